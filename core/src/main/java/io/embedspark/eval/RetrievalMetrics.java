package io.embedspark.eval;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrieval metrics of MTEB's retrieval evaluator (Muennighoff et al. 2023, arXiv 2210.07316),
 * which computes them with {@code pytrec_eval}, that is with trec_eval's definitions: a document
 * is relevant when its graded relevance is at least 1; ranks are by score, ties broken by
 * document id in descending order (as trec_eval does); for cutoff k,
 *
 * <ul>
 *   <li>{@code ndcg@k} ({@code ndcg_cut.k}): sum over ranks r <= k of rel_r / log2(r + 1),
 *       divided by the same sum for the ideal ordering of all judged documents;
 *   <li>{@code map@k} ({@code map_cut.k}): sum of precision at the ranks r <= k of relevant
 *       documents, divided by the number of relevant documents of the query;
 *   <li>{@code recall@k} ({@code recall.k}): relevant documents in the top k over all relevant;
 *   <li>{@code precision@k} ({@code P.k}): relevant documents in the top k over k;
 *   <li>{@code mrr@k} (MTEB's own): 1 / rank of the first relevant document within the top k,
 *       0 if none.
 * </ul>
 *
 * Each metric is averaged over queries that have at least one relevant document.
 */
public final class RetrievalMetrics {
  private static final List<String> METRICS = List.of("ndcg", "map", "recall", "precision",
      "mrr");

  private RetrievalMetrics() {}

  /**
   * @param runs the retrieved documents of each query (any order; only the top max(k) matter)
   * @param qrels graded relevance per query and document; absent means 0
   * @param ks cutoffs
   * @return {@code <metric>@<k>} to the mean over judged queries, in a stable order
   */
  public static Map<String, Double> evaluate(Map<String, List<Hit>> runs,
      Map<String, Map<String, Integer>> qrels, List<Integer> ks) {
    return means(perQuery(runs, qrels, ks), ks);
  }

  /**
   * The means over queries of {@link #perQuery}'s values: what {@link #evaluate} reports.
   *
   * @return {@code <metric>@<k>} to the mean over the queries, in a stable order
   */
  public static Map<String, Double> means(Map<String, Map<String, Double>> perQuery,
      List<Integer> ks) {
    Map<String, Double> sums = new LinkedHashMap<>();
    for (String metric : METRICS) {
      for (int k : ks) {
        sums.put(metric + "@" + k, 0.0);
      }
    }
    perQuery.values().forEach(q -> q.forEach((m, v) -> sums.merge(m, v, Double::sum)));
    Map<String, Double> means = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : sums.entrySet()) {
      means.put(e.getKey(), perQuery.isEmpty() ? 0.0 : e.getValue() / perQuery.size());
    }
    return means;
  }

  /**
   * The metrics of every judged query (at least one relevant document), whose means {@link
   * #evaluate} reports.
   *
   * @return query id to {@code <metric>@<k>} to value, queries in qrels order
   */
  public static Map<String, Map<String, Double>> perQuery(Map<String, List<Hit>> runs,
      Map<String, Map<String, Integer>> qrels, List<Integer> ks) {
    for (int k : ks) {
      if (k <= 0) {
        throw new InvalidInputException("metric cutoff k = " + k + " must be positive");
      }
    }
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Integer>> q : qrels.entrySet()) {
      Map<String, Integer> judged = q.getValue();
      long relevant = judged.values().stream().filter(r -> r >= 1).count();
      if (relevant == 0) {
        continue;
      }
      List<Hit> ranked = new ArrayList<>(runs.getOrDefault(q.getKey(), List.of()));
      ranked.sort(Comparator.comparingDouble(Hit::score).reversed()
          .thenComparing(Hit::id, Comparator.reverseOrder()));
      List<Integer> ideal = judged.values().stream().filter(r -> r > 0)
          .sorted(Comparator.reverseOrder()).toList();
      Map<String, Double> values = new LinkedHashMap<>();
      for (int k : ks) {
        double dcg = 0;
        double idcg = 0;
        double ap = 0;
        int hits = 0;
        double rr = 0;
        for (int r = 1; r <= Math.min(k, ranked.size()); r++) {
          int rel = judged.getOrDefault(ranked.get(r - 1).id(), 0);
          if (rel > 0) {
            dcg += rel / log2(r + 1);
          }
          if (rel >= 1) {
            hits++;
            ap += (double) hits / r;
            if (rr == 0) {
              rr = 1.0 / r;
            }
          }
        }
        for (int r = 1; r <= Math.min(k, ideal.size()); r++) {
          idcg += ideal.get(r - 1) / log2(r + 1);
        }
        values.put("ndcg@" + k, idcg == 0 ? 0 : dcg / idcg);
        values.put("map@" + k, ap / relevant);
        values.put("recall@" + k, (double) hits / relevant);
        values.put("precision@" + k, (double) hits / k);
        values.put("mrr@" + k, rr);
      }
      out.put(q.getKey(), values);
    }
    return out;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
