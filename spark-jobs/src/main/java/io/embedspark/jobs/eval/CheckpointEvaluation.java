package io.embedspark.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Evaluates each checkpoint a training run writes on dev tasks, in the same Spark application:
 * the eval job runs on the checkpoint's bundle, the report goes to {@code <run>/eval/step-N/},
 * one line per checkpoint to {@code <run>/eval.jsonl} (step, the ranking metric, every metric),
 * and {@code <run>/eval-curve.png} draws the ranking metric over steps. The soup command reads
 * {@code eval.jsonl} to pick ingredients.
 */
public final class CheckpointEvaluation implements Consumer<Path> {
  public static final String LOG = "eval.jsonl";
  public static final String CURVE = "eval-curve.png";
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

  /** Evaluates the checkpoint directory ({@code step-N}, holding {@code model/}). */
  @Override
  public void accept(Path checkpoint) {
    String name = checkpoint.getFileName().toString();
    long step = Long.parseLong(name.substring(name.indexOf('-') + 1));
    EvalConfig c = suite.forModel(checkpoint.resolve("model").toString(), name,
        runDir.resolve("eval").resolve(name).toString());
    EvalReport report = new EvalJob(spark, c, line -> { }).run();
    String key = metric != null ? metric : ReportKeys.of(suite.tasks().get(0).name(),
        report.mainMetrics().get(suite.tasks().get(0).name()), report.fullDim());
    Double value = report.metrics().get(key);
    if (value == null) {
      throw new InvalidInputException("eval.metric = '" + key + "' is not in the dev report; "
          + "keys look like " + report.metrics().keySet().iterator().next());
    }
    deleteEmbeddings(Path.of(c.work()));
    List<Entry> entries = new ArrayList<>(read(runDir).stream().filter(e -> e.step() < step)
        .toList());
    entries.add(new Entry(step, name, key, value, new TreeMap<>(report.metrics())));
    write(entries);
    QualityCurve.write(entries.stream().mapToLong(Entry::step).toArray(),
        entries.stream().mapToDouble(Entry::value).toArray(), key, runDir.resolve(CURVE));
    progress.accept(String.format("eval of %s on dev: %s = %.4f", name, key, value));
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
      Path tmp = runDir.resolve("." + LOG + ".tmp");
      Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, runDir.resolve(LOG), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runDir.resolve(LOG), e);
    }
  }

  private void deleteEmbeddings(Path dir) {
    try {
      io.embedspark.io.AtomicDirectory.deleteRecursively(dir);
    } catch (IOException e) {
      progress.accept("could not delete " + dir + ": " + e);
    }
  }
}
