package io.embedspark.loss;

import io.embedspark.error.InvalidInputException;

/**
 * The embeddings of one contrastive batch of B examples, each a query, its positive and zero or
 * more hard negatives, with keys that identify equal texts for the in-batch mask.
 *
 * @param queries [B][D] query embeddings
 * @param positives [B][D] positive embeddings
 * @param negatives [B][k_i][D] hard negatives of each example (k_i may be 0)
 * @param queryKeys equal keys mark equal query texts
 * @param positiveKeys equal keys mark equal positive texts (e.g. the same label text)
 */
public record ContrastiveBatch(double[][] queries, double[][] positives, double[][][] negatives,
    long[] queryKeys, long[] positiveKeys) {

  public ContrastiveBatch {
    int b = queries.length;
    if (positives.length != b || negatives.length != b || queryKeys.length != b
        || positiveKeys.length != b) {
      throw new InvalidInputException("contrastive batch: queries " + b + ", positives "
          + positives.length + ", negatives " + negatives.length + ", keys " + queryKeys.length
          + "/" + positiveKeys.length + " must all have the same length");
    }
  }

  /** B, the number of examples. */
  public int size() {
    return queries.length;
  }

  /** D, the embedding width. */
  public int width() {
    return queries.length == 0 ? 0 : queries[0].length;
  }

  /**
   * How many examples have no negative at all: no hard negative, and every other example of the
   * batch shares their query or positive, so {@link #inBatchNegative} masks them all. When every
   * example is such, the loss is exactly 0 and the step learns nothing. O(B) with key counts.
   *
   * @param hardNegatives hard negatives of each example
   */
  public static int examplesWithoutNegatives(long[] queryKeys, long[] positiveKeys,
      int[] hardNegatives) {
    java.util.Map<Long, Integer> byQuery = new java.util.HashMap<>();
    java.util.Map<Long, Integer> byPositive = new java.util.HashMap<>();
    java.util.Map<java.util.List<Long>, Integer> byBoth = new java.util.HashMap<>();
    for (int i = 0; i < queryKeys.length; i++) {
      byQuery.merge(queryKeys[i], 1, Integer::sum);
      byPositive.merge(positiveKeys[i], 1, Integer::sum);
      byBoth.merge(java.util.List.of(queryKeys[i], positiveKeys[i]), 1, Integer::sum);
    }
    int none = 0;
    for (int i = 0; i < queryKeys.length; i++) {
      int sharing = byQuery.get(queryKeys[i]) + byPositive.get(positiveKeys[i])
          - byBoth.get(java.util.List.of(queryKeys[i], positiveKeys[i]));
      if (hardNegatives[i] == 0 && sharing == queryKeys.length) {
        none++;
      }
    }
    return none;
  }

  /**
   * mask(i, j) of Gemini Embedding: false when j != i and example j shares example i's query or
   * positive, so a duplicate is never used as a negative.
   */
  public boolean inBatchNegative(int i, int j) {
    return i == j || (queryKeys[i] != queryKeys[j] && positiveKeys[i] != positiveKeys[j]);
  }
}
