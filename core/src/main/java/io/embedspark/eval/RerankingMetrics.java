package io.embedspark.eval;

import io.embedspark.error.InvalidInputException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * MTEB's reranking metrics (Muennighoff et al. 2023, arXiv 2210.07316, {@code RerankingEvaluator}):
 * each query's candidates are ordered by cosine similarity to the query; MAP is the mean over
 * queries of scikit-learn's average precision of the relevance labels, MRR@10 the mean of 1 /
 * rank of the first relevant candidate within the top 10.
 */
public final class RerankingMetrics {
  private RerankingMetrics() {}

  /** One query with its candidates' embeddings and relevance labels. */
  public record Query(float[] query, float[][] candidates, boolean[] relevant) {}

  /** {@code map} and {@code mrr@10} over queries that have a relevant candidate. */
  public static Map<String, Double> evaluate(List<Query> queries) {
    double map = 0;
    double mrr = 0;
    int counted = 0;
    for (Query q : queries) {
      if (q.candidates().length != q.relevant().length) {
        throw new InvalidInputException("reranking: " + q.candidates().length + " candidates and "
            + q.relevant().length + " labels");
      }
      if (IntStream.range(0, q.relevant().length).noneMatch(i -> q.relevant()[i])) {
        continue;
      }
      double[] scores = new double[q.candidates().length];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = SimilarityMetrics.cosine(q.query(), q.candidates()[i]);
      }
      map += SimilarityMetrics.averagePrecision(scores, q.relevant());
      Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
      for (int r = 0; r < Math.min(10, order.length); r++) {
        if (q.relevant()[order[r]]) {
          mrr += 1.0 / (r + 1);
          break;
        }
      }
      counted++;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("map", counted == 0 ? 0 : map / counted);
    out.put("mrr@10", counted == 0 ? 0 : mrr / counted);
    return out;
  }
}
