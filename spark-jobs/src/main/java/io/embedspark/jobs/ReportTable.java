package io.embedspark.jobs;

import io.embedspark.eval.report.EvalReport;
import java.util.Locale;
import java.util.Map;

/** The short console table of an evaluation: each task's main metric at full dim and BM25's. */
final class ReportTable {
  private ReportTable() {}

  static String text(EvalReport report) {
    StringBuilder b = new StringBuilder();
    int dim = report.fullDim();
    b.append(String.format(Locale.ROOT, "%-28s %-16s %10s %10s%n", "task", "metric",
        report.model() + "@d" + dim, "BM25"));
    Map<String, Double> bm25 = report.baselines().getOrDefault("bm25", Map.of());
    for (Map.Entry<String, String> t : report.mainMetrics().entrySet()) {
      Double base = bm25.get(t.getKey() + "/" + t.getValue());
      b.append(String.format(Locale.ROOT, "%-28s %-16s %10.4f %10s%n", t.getKey(), t.getValue(),
          report.main(t.getKey(), dim), base == null ? "-" : String.format(Locale.ROOT, "%.4f",
              base)));
    }
    return b.toString();
  }
}
