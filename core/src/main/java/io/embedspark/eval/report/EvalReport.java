package io.embedspark.eval.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.PairedDifference;
import io.embedspark.io.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an evaluation measured, as written to {@code report.json}.
 *
 * @param model the evaluated model (its bundle path, or a name)
 * @param dims the Matryoshka dimensions every metric was computed at
 * @param tasks task name to its type ({@code retrieval}, {@code classification}, ...)
 * @param mainMetrics task name to MTEB's main metric of its type (e.g. {@code ndcg@10})
 * @param metrics {@code {task}/{metric}/d{dim}} (see {@link
 *     io.embedspark.eval.tasks.ReportKeys}) to value
 * @param baselines baseline name ({@code bm25}) to {@code {task}/{metric}} to value
 * @param details run facts: counts, timings, sources of the embeddings
 * @param perQuery a main-metric key ({@code {task}/{metric}/d{dim}}) to query id to the value
 *     of that query, for the tasks scored per query (retrieval; bitext mining per source
 *     sentence, keyed by row number and a checksum of the row, each sentence's share of the
 *     F1); what {@link PairedDifference} compares two models on. Empty in reports written
 *     before it was recorded
 */
public record EvalReport(String model, List<Integer> dims, Map<String, String> tasks,
    Map<String, String> mainMetrics, Map<String, Double> metrics,
    Map<String, Map<String, Double>> baselines, Map<String, Object> details,
    Map<String, Map<String, Double>> perQuery) {

  /** A report without per-query values. */
  public EvalReport(String model, List<Integer> dims, Map<String, String> tasks,
      Map<String, String> mainMetrics, Map<String, Double> metrics,
      Map<String, Map<String, Double>> baselines, Map<String, Object> details) {
    this(model, dims, tasks, mainMetrics, metrics, baselines, details, Map.of());
  }

  public EvalReport {
    dims = List.copyOf(dims);
    tasks = new TreeMap<>(tasks);
    mainMetrics = new TreeMap<>(mainMetrics);
    metrics = new TreeMap<>(metrics);
    Map<String, Map<String, Double>> b = new TreeMap<>();
    baselines.forEach((k, v) -> b.put(k, new TreeMap<>(v)));
    baselines = b;
    details = details == null ? new TreeMap<>() : new TreeMap<>(details);
    Map<String, Map<String, Double>> q = new TreeMap<>();
    if (perQuery != null) {
      perQuery.forEach((k, v) -> q.put(k, new TreeMap<>(v)));
    }
    perQuery = q;
  }

  /** The largest dimension, the one a model is usually compared at. */
  public int fullDim() {
    return dims.stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** The main metric of a task at a dimension, or NaN when absent. */
  public double main(String task, int dim) {
    Double v = metrics.get(io.embedspark.eval.tasks.ReportKeys.of(task, mainMetrics.get(task),
        dim));
    return v == null ? Double.NaN : v;
  }

  /**
   * This report's main metric of {@code task} against {@code other}'s, query by query, each at
   * its full dimension (as the reports compare models); empty when either has no per-query
   * values for it.
   */
  public java.util.Optional<PairedDifference> pairedDifference(EvalReport other, String task) {
    Map<String, Double> mine = perQuery.get(io.embedspark.eval.tasks.ReportKeys.of(task,
        mainMetrics.get(task), fullDim()));
    Map<String, Double> theirs = other.perQuery().get(io.embedspark.eval.tasks.ReportKeys.of(
        task, other.mainMetrics().get(task), other.fullDim()));
    return mine == null || theirs == null ? java.util.Optional.empty()
        : PairedDifference.of(mine, theirs);
  }

  /** Writes the report as indented JSON with sorted keys. */
  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, JsonFiles.MAPPER.copy()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsString(this) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Reads a report written by {@link #write}. */
  public static EvalReport read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("no evaluation report at " + file);
    }
    try {
      return JsonFiles.MAPPER.readValue(Files.readAllBytes(file), EvalReport.class);
    } catch (IOException e) {
      throw new InvalidInputException(file + " is not an evaluation report: " + e.getMessage());
    }
  }
}
