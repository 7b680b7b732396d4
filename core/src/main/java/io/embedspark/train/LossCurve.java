package io.embedspark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a run's loss per step (total and per Matryoshka dim) from its metrics as a PNG. */
public final class LossCurve {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private LossCurve() {}

  /**
   * Writes {@code file} (PNG) from {@code steps}; nothing when there are none.
   *
   * @param dims the model's Matryoshka dims, naming the per-dim series
   */
  public static void write(List<StepMetrics> steps, List<Integer> dims, String title, Path file) {
    if (steps.isEmpty()) {
      return;
    }
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step")
        .yAxisTitle("loss").build();
    chart.getStyler().setMarkerSize(4);
    List<Double> x = new ArrayList<>();
    List<Double> total = new ArrayList<>();
    for (StepMetrics m : steps) {
      x.add((double) m.step());
      total.add(m.loss());
    }
    chart.addSeries("total", x, total).setMarker(SeriesMarkers.CIRCLE);
    for (int d = 0; d < dims.size(); d++) {
      List<Double> y = new ArrayList<>();
      for (StepMetrics m : steps) {
        y.add(d < m.lossPerDim().size() ? m.lossPerDim().get(d) : Double.NaN);
      }
      chart.addSeries("d" + dims.get(d), x, y).setMarker(SeriesMarkers.NONE);
    }
    try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
