package io.embedspark.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.TextFiles;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.eval.report.QualityCurve;
import io.embedspark.eval.tasks.ReportKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Evaluates each checkpoint a training run writes on dev tasks, in the same Spark application:
 * the eval job runs on the checkpoint's bundle, the report goes to {@code <run>/eval/step-N/},
 * one line per checkpoint to {@code <run>/eval.jsonl} (step, the ranking metric, every metric),
 * and {@code <run>/eval-curve.png} draws the ranking metric over steps. The soup command reads
 * {@code eval.jsonl} to pick ingredients. The model training starts from is evaluated first
 * (entry {@value #START}, step 0), and each checkpoint's tasks are printed beside it, so a task
 * that falls below the start (forgetting) is named on the console.
 */
public final class CheckpointEvaluation implements Consumer<Path> {
  public static final String LOG = "eval.jsonl";
  public static final String CURVE = "eval-curve.png";
  /** The entry of the model training started from. */
  public static final String START = "start";
  /** A drop below the start larger than this is reported as a warning. */
  public static final double FORGETTING = 0.005;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One evaluated checkpoint. */
  public record Entry(long step, String checkpoint, String metric, double value,
      Map<String, Double> metrics) {}

  private final SparkSession spark;
  private final EvalConfig suite;
  private final String metric;
  private final Path runDir;
  private final Consumer<String> progress;

  /**
   * @param metric report key ranking the checkpoints; null for the first task's main metric at
   *     the largest dim
   */
  public CheckpointEvaluation(SparkSession spark, EvalConfig suite, String metric, Path runDir,
      Consumer<String> progress) {
    this.spark = spark;
    this.suite = suite;
    this.metric = metric;
    this.runDir = runDir;
    this.progress = progress;
  }

  /**
   * Evaluates the model training starts from, as the entry {@value #START} at step 0, unless an
   * earlier run of this directory did: every later checkpoint is then shown beside it, task by
   * task, so a dev gain that costs another task (a general-domain one the suite includes) is
   * visible. The bundle is written to a scratch directory under the run and removed again.
   */
  public void acceptStart(CheckpointBundle start) {
    if (read(runDir).stream().anyMatch(e -> e.checkpoint().equals(START))) {
      return;
    }
    Path scratch = runDir.resolve("eval").resolve(START).resolve("model");
    start.write(scratch, true);
    try {
      evaluate(scratch, START, 0);
    } finally {
      deleteScratch(scratch);
    }
  }

  /** Evaluates the checkpoint directory ({@code step-N}, holding {@code model/}). */
  @Override
  public void accept(Path checkpoint) {
    String name = checkpoint.getFileName().toString();
    evaluate(checkpoint.resolve("model"), name,
        Long.parseLong(name.substring(name.indexOf('-') + 1)));
  }

  private void evaluate(Path model, String name, long step) {
    EvalConfig c = suite.forModel(model.toString(), name,
        runDir.resolve("eval").resolve(name).toString());
    EvalReport report = new EvalJob(spark, c, line -> { }).run();
    String key = metric != null ? metric : ReportKeys.of(suite.tasks().get(0).name(),
        report.mainMetrics().get(suite.tasks().get(0).name()), report.fullDim());
    Double value = report.metrics().get(key);
    if (value == null) {
      throw new InvalidInputException("eval.metric = '" + key + "' is not in the dev report; "
          + "keys look like " + report.metrics().keySet().iterator().next());
    }
    deleteScratch(Path.of(c.work()));
    List<Entry> entries = new ArrayList<>(read(runDir).stream().filter(e -> e.step() < step)
        .toList());
    entries.add(new Entry(step, name, key, value, new TreeMap<>(report.metrics())));
    write(entries);
    QualityCurve.write(entries.stream().mapToLong(Entry::step).toArray(),
        entries.stream().mapToDouble(Entry::value).toArray(), key, runDir.resolve(CURVE));
    progress.accept(String.format("eval of %s on dev: %s = %.4f", name, key, value));
    entries.stream().filter(e -> e.checkpoint().equals(START)).findFirst()
        .filter(first -> step > 0)
        .ifPresent(first -> compareWithStart(first, report));
  }

  /**
   * Each task's main metric at the full dim beside the start's, one line per task, with a
   * warning where the checkpoint fell more than {@value #FORGETTING} below the start.
   */
  private void compareWithStart(Entry start, EvalReport report) {
    for (Map.Entry<String, String> t : report.mainMetrics().entrySet()) {
      String key = ReportKeys.of(t.getKey(), t.getValue(), report.fullDim());
      Double before = start.metrics().get(key);
      Double now = report.metrics().get(key);
      if (before == null || now == null) {
        continue;
      }
      boolean fell = now < before - FORGETTING;
      progress.accept(String.format(Locale.ROOT, "%s%s = %.4f, start %.4f (%+.4f)",
          fell ? "WARNING: fell below the start model: " : "  ", key, now, before,
          now - before));
    }
  }

  /** The evaluated checkpoints of a run, in step order; empty when none were. */
  public static List<Entry> read(Path runDir) {
    Path file = runDir.resolve(LOG);
    List<Entry> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      int line = 0;
      for (String s : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        try {
          JsonNode n = JSON.readTree(s);
          Map<String, Double> metrics = new LinkedHashMap<>();
          n.get("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(),
              e.getValue().asDouble()));
          out.add(new Entry(n.get("step").asLong(), n.get("checkpoint").asText(),
              n.get("metric").asText(), n.get("value").asDouble(), metrics));
        } catch (IOException | RuntimeException e) {
          throw new InvalidInputException(file + ":" + line + ": not an eval entry: " + e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  private void write(List<Entry> entries) {
    StringBuilder b = new StringBuilder();
    try {
      for (Entry e : entries) {
        b.append(JSON.writeValueAsString(e)).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runDir.resolve(LOG), e);
    }
    TextFiles.writeAtomically(runDir.resolve(LOG), b);
  }

  private void deleteScratch(Path dir) {
    try {
      io.embedspark.io.AtomicDirectory.deleteRecursively(dir);
    } catch (IOException e) {
      progress.accept("could not delete " + dir + ": " + e);
    }
  }
}
