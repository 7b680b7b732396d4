package io.embedspark.jobs.demo;

import io.embedspark.eval.report.EvalReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The short console table of an evaluation: each task's main metric at full dim and BM25's. */
public final class ReportTable {
  private ReportTable() {}

  public static String text(EvalReport report) {
    return text(report, null);
  }

  /**
   * The main metric of every task at every dim of the model, beside the start model's
   * ({@code start}, may be null) and BM25's.
   */
  public static String text(EvalReport report, EvalReport start) {
    StringBuilder b = new StringBuilder();
    List<Integer> dims = report.dims().stream().sorted().toList();
    b.append(String.format(Locale.ROOT, "%-28s %-16s", "task", "metric"));
    for (int d : dims) {
      if (start != null) {
        b.append(String.format(Locale.ROOT, " %14s", start.model() + "@d" + d));
      }
      b.append(String.format(Locale.ROOT, " %14s", "trained@d" + d));
    }
    b.append(String.format(Locale.ROOT, " %10s%n", "BM25"));
    Map<String, Double> bm25 = report.baselines().getOrDefault("bm25", Map.of());
    for (Map.Entry<String, String> t : report.mainMetrics().entrySet()) {
      Double base = bm25.get(t.getKey() + "/" + t.getValue());
      b.append(String.format(Locale.ROOT, "%-28s %-16s", t.getKey(), t.getValue()));
      for (int d : dims) {
        if (start != null) {
          b.append(String.format(Locale.ROOT, " %14.4f", start.main(t.getKey(), d)));
        }
        b.append(String.format(Locale.ROOT, " %14.4f", report.main(t.getKey(), d)));
      }
      b.append(String.format(Locale.ROOT, " %10s%n", base == null ? "-"
          : String.format(Locale.ROOT, "%.4f", base)));
    }
    return b.toString();
  }
}
