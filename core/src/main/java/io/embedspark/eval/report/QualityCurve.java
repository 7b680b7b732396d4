package io.embedspark.eval.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a dev metric over training steps (one point per evaluated checkpoint) as a PNG. */
public final class QualityCurve {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private QualityCurve() {}

  public static void write(long[] steps, double[] values, String metric, Path file) {
    if (steps.length == 0) {
      return;
    }
    XYChart chart = new XYChartBuilder().width(900).height(500).title("dev " + metric
        + " by training step").xAxisTitle("step").yAxisTitle(metric).build();
    chart.getStyler().setLegendVisible(false);
    chart.addSeries(metric, Arrays.stream(steps).asDoubleStream().toArray(), values)
        .setMarker(SeriesMarkers.CIRCLE);
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
