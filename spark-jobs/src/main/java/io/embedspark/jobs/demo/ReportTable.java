package io.embedspark.jobs.demo;

import io.embedspark.eval.report.EvalReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The short console tables of evaluations: each task's main metric per dim beside BM25's, for one
 * model or several (the demo's start, stages and soup).
 */
public final class ReportTable {
  private ReportTable() {}

  /** One model's table: each task's main metric per dim beside BM25's. */
  public static String text(EvalReport report) {
    Map<String, EvalReport> one = new java.util.LinkedHashMap<>();
    one.put(report.model(), report);
    return comparison(one, report.baselines().getOrDefault("bm25", Map.of()));
  }

  /**
   * One row per task and dim, one column per model ({@code models}, in order: the start, each
   * stage, the soup) and BM25's, each cell the task's main metric.
   */
  public static String comparison(Map<String, EvalReport> models, Map<String, Double> bm25) {
    StringBuilder b = new StringBuilder();
    EvalReport first = models.values().iterator().next();
    b.append(String.format(Locale.ROOT, "%-24s %-16s %5s", "task", "metric", "dim"));
    for (String name : models.keySet()) {
      b.append(String.format(Locale.ROOT, " %12s", name));
    }
    b.append(String.format(Locale.ROOT, " %9s%n", "BM25"));
    List<Integer> dims = first.dims().stream().sorted().toList();
    for (Map.Entry<String, String> t : first.mainMetrics().entrySet()) {
      Double base = bm25.get(t.getKey() + "/" + t.getValue());
      for (int d : dims) {
        b.append(String.format(Locale.ROOT, "%-24s %-16s %5d", t.getKey(), t.getValue(), d));
        for (EvalReport r : models.values()) {
          b.append(String.format(Locale.ROOT, " %12.4f", r.main(t.getKey(), d)));
        }
        b.append(String.format(Locale.ROOT, " %9s%n", base == null ? "-"
            : String.format(Locale.ROOT, "%.4f", base)));
      }
    }
    return b.toString();
  }
}
