package io.embedspark.jobs.eval;

import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.CheckpointBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.SparkSession;

/**
 * Scores a bundle by one key of the eval job's report on a dev suite (for the greedy soup): the
 * bundle is written to a scratch directory and evaluated in this Spark application.
 */
public final class DevScorer implements ToDoubleFunction<CheckpointBundle> {
  private final SparkSession spark;
  private final EvalConfig suite;
  private final String metric;
  private final Path scratch;
  private final Consumer<String> progress;
  private int trials;

  public DevScorer(SparkSession spark, EvalConfig suite, String metric, Path scratch,
      Consumer<String> progress) {
    this.spark = spark;
    this.suite = suite;
    this.metric = metric;
    this.scratch = scratch;
    this.progress = progress;
  }

  @Override
  public double applyAsDouble(CheckpointBundle bundle) {
    Path dir = scratch.resolve("trial-" + (++trials));
    try {
      bundle.write(dir.resolve("model"), true);
      EvalConfig c = suite.forModel(dir.resolve("model").toString(),
          dir.getFileName().toString(), dir.resolve("report").toString());
      EvalReport report = new EvalJob(spark, c, line -> { }).evaluate();
      Double v = report.metrics().get(metric);
      if (v == null) {
        throw new InvalidInputException("metric '" + metric + "' is not in the dev report");
      }
      progress.accept(String.format("soup trial %d: %s = %.4f", trials, metric, v));
      return v;
    } finally {
      try {
        if (Files.exists(dir)) {
          AtomicDirectory.deleteRecursively(dir);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + dir, e);
      }
    }
  }
}
