package io.embedspark.eval.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws an evaluation report as PNGs: the main metric of every task against the Matryoshka
 * dimension, and every task's main metric for the model, its baselines and compared models.
 */
public final class ReportPlots {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** The folder of the plots, relative to the report. */
  public static final String DIR = "plots";
  /** The main metric by dimension. */
  public static final String DIMS_PNG = "dims.png";
  /** The main metric by task and contender. */
  public static final String TASKS_PNG = "tasks.png";

  private ReportPlots() {}

  /**
   * Writes {@link #DIMS_PNG} and {@link #TASKS_PNG} into {@code dir}.
   *
   * @param compared other models' reports by name; may be empty
   * @return the written files
   */
  public static List<Path> write(EvalReport report, Map<String, EvalReport> compared, Path dir) {
    return List.of(dims(report, dir.resolve(DIMS_PNG)),
        tasks(report, compared, dir.resolve(TASKS_PNG)));
  }

  /**
   * Writes the main metric against the dimension (log2 axis, ticks at powers of two), one line
   * per task; a task's missing values are left out of its line.
   *
   * @return {@code file}
   */
  public static Path dims(EvalReport report, Path file) {
    XYChart chart = new XYChartBuilder().width(900).height(500)
        .title("Main metric by dimension: " + report.model()).xAxisTitle("dimension (log2 scale)")
        .yAxisTitle("main metric").build();
    chart.getStyler().setMarkerSize(6);
    chart.setCustomXAxisTickLabelsFormatter(ReportPlots::powerOfTwo);
    List<Integer> dims = report.dims().stream().sorted().toList();
    if (dims.size() == 1) {
      // One dimension: an axis of zero width would get no power-of-two tick at all.
      double x = Math.log(dims.get(0)) / Math.log(2);
      chart.getStyler().setXAxisMin(Math.floor(x) - 1).setXAxisMax(Math.ceil(x) + 1);
    }
    for (String task : new TreeMap<>(report.tasks()).keySet()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int dim : dims) {
        double v = report.main(task, dim);
        if (!Double.isNaN(v)) {
          x.add(Math.log(dim) / Math.log(2));
          y.add(v);
        }
      }
      if (!x.isEmpty()) {
        chart.addSeries(task + " (" + report.mainMetrics().get(task) + ")", x, y)
            .setMarker(SeriesMarkers.CIRCLE);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.setTitle(chart.getTitle() + " (no scores)");
      chart.getStyler().setLegendVisible(false);
      chart.addSeries("none", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
    }
    return save(chart, file);
  }

  /**
   * Writes a bar chart of every task's main metric (one group per task) for the model and each
   * compared model at its full dimension and for each baseline; a contender without a score on
   * a task has no bar there.
   *
   * @param compared other models' reports by name; may be empty
   * @return {@code file}
   */
  public static Path tasks(EvalReport report, Map<String, EvalReport> compared, Path file) {
    MainScores scores = MainScores.of(report, compared);
    CategoryChart chart = new CategoryChartBuilder().width(Math.max(900,
        160 * scores.tasks().size())).height(550).title("Main metric by task")
        .xAxisTitle("task").yAxisTitle("main metric").build();
    if (scores.tasks().size() > 6) {
      chart.getStyler().setXAxisLabelRotation(30);
    }
    for (String c : scores.contenders()) {
      List<Double> y = new ArrayList<>();
      for (String task : scores.tasks()) {
        y.add(scores.score(c, task));
      }
      if (y.stream().anyMatch(v -> v != null)) {
        chart.addSeries(scores.label(c), scores.tasks(), y);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.setTitle(chart.getTitle() + " (no scores)");
      chart.getStyler().setLegendVisible(false);
      chart.addSeries("none", List.of("-"), List.of(0.0));
    }
    return save(chart, file);
  }

  private static String powerOfTwo(Double log2) {
    long rounded = Math.round(log2);
    return Math.abs(log2 - rounded) < 1e-9 && rounded >= 0 && rounded < 63
        ? Long.toString(1L << rounded) : " "; // XChart cannot lay out an empty label
  }

  private static Path save(Chart<?, ?> chart, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
