package io.embedspark.eval;

/**
 * Bitext mining as in MTEB's {@code BitextMiningEvaluator} (Muennighoff et al. 2023, arXiv
 * 2210.07316): each source sentence i is matched to its nearest target sentence by cosine; the
 * gold match is target i. The F1 is scikit-learn's {@code f1_score(gold, predicted,
 * average="weighted")}, where every gold index is a class with support 1.
 */
public final class BitextMining {
  private BitextMining() {}

  /** Predicted target index for each source row (unit rows). */
  public static int[] match(float[][] source, float[][] target) {
    int[] predicted = new int[source.length];
    for (int i = 0; i < source.length; i++) {
      predicted[i] = NearestNeighbours.topK(source[i], target, 1)[0];
    }
    return predicted;
  }

  /** Weighted F1 of predictions against gold {@code i -> i}: the mean of {@link #f1Shares}. */
  public static double f1(int[] predicted) {
    return f1(f1Shares(predicted));
  }

  /** The weighted F1 from the sources' shares of it ({@link #f1Shares}): their mean. */
  public static double f1(double[] shares) {
    double sum = 0;
    for (double s : shares) {
      sum += s;
    }
    return sum / shares.length;
  }

  /**
   * Each source's share of the weighted F1: class i has support 1 and recall 1 or 0, so its F1
   * is {@code 2p / (p + 1)} with precision {@code p = 1 / (times target i was predicted)} when
   * source i found its gold target, else 0. Their mean is the F1, so two models can be compared
   * sentence by sentence.
   */
  public static double[] f1Shares(int[] predicted) {
    int n = predicted.length;
    int[] timesPredicted = new int[n];
    for (int p : predicted) {
      timesPredicted[p]++;
    }
    double[] shares = new double[n];
    for (int i = 0; i < n; i++) {
      if (predicted[i] == i) {
        double precision = 1.0 / timesPredicted[i];
        shares[i] = 2 * precision / (precision + 1.0);
      }
    }
    return shares;
  }

  /** Fraction of sources matched to their gold target. */
  public static double accuracy(int[] predicted) {
    int hits = 0;
    for (int i = 0; i < predicted.length; i++) {
      hits += predicted[i] == i ? 1 : 0;
    }
    return (double) hits / predicted.length;
  }
}
