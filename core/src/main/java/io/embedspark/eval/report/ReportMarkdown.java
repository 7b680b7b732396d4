package io.embedspark.eval.report;

import io.embedspark.eval.BordaRanking;
import io.embedspark.eval.tasks.ReportKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes an evaluation report as Markdown: the main metric of every task by dimension, the main
 * metrics against baselines and compared models, retrieval metrics against the baselines, and a
 * Borda ranking across all of them; tasks and contenders in a fixed order, so the same report
 * always gives the same text. Values have four decimals; a missing value is {@code -}.
 */
public final class ReportMarkdown {
  /** The retrieval metric families shown against the baselines, in this order. */
  private static final List<String> RETRIEVAL_FAMILIES = List.of("ndcg", "recall", "map", "mrr");

  /** Metric families in {@link #RETRIEVAL_FAMILIES} order, then by cutoff, no cutoff first. */
  private static final Comparator<String> RETRIEVAL_ORDER = Comparator
      .<String>comparingInt(m -> RETRIEVAL_FAMILIES.indexOf(family(m)))
      .thenComparingInt(ReportMarkdown::cutoff).thenComparing(Comparator.naturalOrder());

  private ReportMarkdown() {}

  /**
   * @param compared other models' reports by name; may be empty
   * @return the text of {@code report.md}, whose plots are under {@link ReportPlots#DIR}
   */
  public static String build(EvalReport report, Map<String, EvalReport> compared) {
    MainScores scores = MainScores.of(report, compared);
    StringBuilder md = new StringBuilder();
    md.append("# Evaluation of ").append(report.model()).append("\n\n");
    md.append("Matryoshka dimensions: ").append(String.join(", ",
        sortedDims(report).stream().map(String::valueOf).toList())).append("; compared at d")
        .append(report.fullDim()).append(".\n\n");
    byDimension(md, report, scores.tasks());
    againstOthers(md, report, scores);
    pairedDifferences(md, report, compared, scores.tasks());
    retrieval(md, report, scores.tasks());
    borda(md, scores);
    md.append("All metrics are in report.json.\n");
    return md.toString();
  }

  private static void byDimension(StringBuilder md, EvalReport report, List<String> tasks) {
    md.append("## Main metric by dimension\n\n");
    List<String> header = new ArrayList<>(List.of("task"));
    sortedDims(report).forEach(d -> header.add("d" + d));
    table(md, header, 1);
    for (String task : tasks) {
      List<String> row = new ArrayList<>(List.of(task));
      sortedDims(report).forEach(d -> row.add(number(report.main(task, d))));
      row(md, row);
    }
    md.append("\nMain metric of each task: ");
    md.append(String.join(", ", tasks.stream()
        .map(t -> t + " " + orDash(report.mainMetrics().get(t))).toList()));
    md.append(".\n\n");
    image(md, "Main metric by Matryoshka dimension", ReportPlots.DIMS_PNG);
  }

  private static void againstOthers(StringBuilder md, EvalReport report, MainScores scores) {
    md.append("## Against baselines and other models\n\n");
    List<String> header = new ArrayList<>(List.of("task", "metric"));
    scores.contenders().forEach(c -> header.add(scores.label(c)));
    table(md, header, 2);
    for (String task : scores.tasks()) {
      List<String> row = new ArrayList<>(List.of(task, orDash(report.mainMetrics().get(task))));
      scores.contenders().forEach(c -> row.add(number(scores.score(c, task))));
      row(md, row);
    }
    md.append('\n');
    image(md, "Main metric by task against baselines and other models", ReportPlots.TASKS_PNG);
  }

  /**
   * The model against each compared model, query by query, on the tasks both scored per query:
   * whether a gap is more than another draw of queries would move ({@link
   * io.embedspark.eval.PairedDifference}).
   */
  private static void pairedDifferences(StringBuilder md, EvalReport report,
      Map<String, EvalReport> compared, List<String> tasks) {
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, EvalReport> other : compared.entrySet()) {
      for (String task : tasks) {
        report.pairedDifference(other.getValue(), task).ifPresent(p -> rows.add(List.of(
            task, other.getKey(), String.valueOf(p.queries()),
            String.format(Locale.ROOT, "%+.4f", p.mean()),
            String.format(Locale.ROOT, "[%+.4f, %+.4f]", p.low(), p.high()),
            String.format(Locale.ROOT, "%.2g", p.pValue()))));
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    md.append("## Paired differences\n\n");
    md.append("The main metric minus the compared model's, each at its full dimension, query by"
        + " query (bitext mining: source sentence by source sentence, each sentence's share of"
        + " the F1) over the items both were scored on: mean, 95% confidence interval and the"
        + " paired t-test's p-value. It measures what another draw of queries would change, not"
        + " what another training seed would.\n\n");
    table(md, List.of("task", "compared with", "items", "difference", "95% CI", "p"), 2);
    rows.forEach(r -> row(md, r));
    md.append('\n');
  }

  private static void retrieval(StringBuilder md, EvalReport report, List<String> tasks) {
    List<String> retrievalTasks = tasks.stream()
        .filter(t -> "retrieval".equals(report.tasks().get(t))).toList();
    if (retrievalTasks.isEmpty()) {
      return;
    }
    md.append("## Retrieval against baselines\n\n");
    int dim = report.fullDim();
    for (String task : retrievalTasks) {
      Set<String> metrics = new TreeSet<>(RETRIEVAL_ORDER);
      report.metrics().keySet().stream()
          .filter(k -> ReportKeys.task(k).equals(task) && ReportKeys.dim(k) == dim)
          .map(ReportKeys::metric).filter(ReportMarkdown::isRetrievalMetric)
          .forEach(metrics::add);
      List<String> baselines = new ArrayList<>();
      for (Map.Entry<String, Map<String, Double>> b : report.baselines().entrySet()) {
        List<String> own = b.getValue().keySet().stream()
            .filter(k -> ReportKeys.task(k).equals(task)).map(ReportKeys::metric)
            .filter(ReportMarkdown::isRetrievalMetric).toList();
        if (!own.isEmpty()) {
          baselines.add(b.getKey());
          metrics.addAll(own);
        }
      }
      md.append("### ").append(task).append("\n\n");
      List<String> header = new ArrayList<>(List.of("metric", report.model() + " (d" + dim + ")"));
      header.addAll(baselines);
      table(md, header, 1);
      for (String metric : metrics) {
        List<String> row = new ArrayList<>(List.of(metric,
            number(report.metrics().get(ReportKeys.of(task, metric, dim)))));
        baselines.forEach(b -> row.add(number(report.baselines().get(b)
            .get(ReportKeys.of(task, metric)))));
        row(md, row);
      }
      md.append('\n');
    }
  }

  private static void borda(StringBuilder md, MainScores scores) {
    md.append("## Borda ranking\n\n");
    md.append("Over each task's main metric, models at their full dimension, baselines on the"
        + " tasks they have: one point per contender beaten on a task, half a point per tie"
        + " (as MMTEB ranks models).\n\n");
    table(md, List.of("rank", "model", "points"), 2);
    for (BordaRanking.Entry e : BordaRanking.rank(scores.byTask())) {
      row(md, List.of(String.valueOf(e.rank()), scores.label(e.model()),
          String.format(Locale.ROOT, "%.1f", e.points())));
    }
    md.append('\n');
  }

  private static boolean isRetrievalMetric(String metric) {
    return RETRIEVAL_FAMILIES.contains(family(metric));
  }

  private static String family(String metric) {
    int at = metric.indexOf('@');
    return at < 0 ? metric : metric.substring(0, at);
  }

  private static int cutoff(String metric) {
    int at = metric.indexOf('@');
    try {
      return at < 0 ? 0 : Integer.parseInt(metric.substring(at + 1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static List<Integer> sortedDims(EvalReport report) {
    return new TreeSet<>(report.dims()).stream().toList();
  }

  private static void image(StringBuilder md, String alt, String png) {
    md.append("![").append(alt).append("](").append(ReportPlots.DIR).append('/').append(png)
        .append(")\n\n");
  }

  /** A header and its separator; the first {@code textColumns} are left aligned. */
  private static void table(StringBuilder md, List<String> header, int textColumns) {
    row(md, header);
    List<String> rule = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      rule.add(i < textColumns ? "---" : "---:");
    }
    row(md, rule);
  }

  private static void row(StringBuilder md, List<String> cells) {
    md.append("| ").append(String.join(" | ",
        cells.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
  }

  private static String number(Double v) {
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
