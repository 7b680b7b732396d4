package io.embedspark.eval;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

/**
 * Metrics of MTEB's STS and pair-classification evaluators (Muennighoff et al. 2023, arXiv
 * 2210.07316) on pairs of embeddings.
 *
 * <ul>
 *   <li>{@link #stsSpearman}: Spearman's rank correlation of cosine similarity with the gold
 *       scores ({@code scipy.stats.spearmanr}: Pearson correlation of tie-averaged ranks).
 *   <li>{@link #maxAveragePrecision}: average precision of binary labels ranked by each
 *       similarity function (cosine, dot, negative Euclidean, negative Manhattan distance;
 *       scikit-learn's {@code average_precision_score}, which counts tied scores as one
 *       threshold), the maximum over the functions.
 * </ul>
 */
public final class SimilarityMetrics {
  private SimilarityMetrics() {}

  /** Similarity functions of the pair-classification evaluator; higher means more similar. */
  public static final Map<String, BiFunction<float[], float[], Double>> FUNCTIONS = functions();

  private static Map<String, BiFunction<float[], float[], Double>> functions() {
    Map<String, BiFunction<float[], float[], Double>> f = new LinkedHashMap<>();
    f.put("cosine", SimilarityMetrics::cosine);
    f.put("dot", SimilarityMetrics::dot);
    f.put("euclidean", (a, b) -> {
      double s = 0;
      for (int i = 0; i < a.length; i++) {
        s += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
      }
      return -Math.sqrt(s);
    });
    f.put("manhattan", (a, b) -> {
      double s = 0;
      for (int i = 0; i < a.length; i++) {
        s += Math.abs(a[i] - (double) b[i]);
      }
      return -s;
    });
    return java.util.Collections.unmodifiableMap(f);
  }

  public static double stsSpearman(float[][] first, float[][] second, double[] gold) {
    checkPairs(first, second, gold.length);
    double[] cos = new double[gold.length];
    for (int i = 0; i < cos.length; i++) {
      cos[i] = cosine(first[i], second[i]);
    }
    return Ranks.pearson(Ranks.average(cos), Ranks.average(gold));
  }

  /** Average precision per similarity function and their maximum ({@code max}). */
  public static Map<String, Double> maxAveragePrecision(float[][] first, float[][] second,
      boolean[] labels) {
    checkPairs(first, second, labels.length);
    Map<String, Double> out = new LinkedHashMap<>();
    double best = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, BiFunction<float[], float[], Double>> f : FUNCTIONS.entrySet()) {
      double[] scores = new double[labels.length];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = f.getValue().apply(first[i], second[i]);
      }
      double ap = averagePrecision(scores, labels);
      out.put(f.getKey(), ap);
      best = Math.max(best, ap);
    }
    out.put("max", best);
    return out;
  }

  /**
   * scikit-learn's average precision: sum over distinct score thresholds (descending) of
   * (recall_n - recall_{n-1}) * precision_n, tied scores forming one threshold.
   */
  static double averagePrecision(double[] scores, boolean[] labels) {
    for (int i = 0; i < scores.length; i++) {
      if (!Double.isFinite(scores[i])) {
        throw new InvalidInputException("average precision: the score of pair " + i + " is "
            + scores[i] + "; the embeddings are not finite");
      }
    }
    List<Integer> order = new ArrayList<>(IntStream.range(0, scores.length).boxed().toList());
    order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    long positives = IntStream.range(0, labels.length).filter(i -> labels[i]).count();
    if (positives == 0) {
      throw new InvalidInputException("average precision needs at least one positive pair");
    }
    double ap = 0;
    double previousRecall = 0;
    int truePositives = 0;
    int seen = 0;
    int i = 0;
    while (i < order.size()) {
      double threshold = scores[order.get(i)];
      while (i < order.size() && scores[order.get(i)] == threshold) {
        truePositives += labels[order.get(i)] ? 1 : 0;
        seen++;
        i++;
      }
      double recall = (double) truePositives / positives;
      ap += (recall - previousRecall) * truePositives / seen;
      previousRecall = recall;
    }
    return ap;
  }

  static double cosine(float[] a, float[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += a[i] * (double) b[i];
      aa += a[i] * (double) a[i];
      bb += b[i] * (double) b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * (double) b[i];
    }
    return s;
  }

  private static void checkPairs(float[][] first, float[][] second, int n) {
    if (first.length != n || second.length != n) {
      throw new InvalidInputException("pairs: " + first.length + " first and " + second.length
          + " second embeddings for " + n + " gold values");
    }
  }
}
