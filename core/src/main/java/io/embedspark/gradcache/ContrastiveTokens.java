package io.embedspark.gradcache;

import io.embedspark.error.InvalidInputException;
import io.embedspark.tokenize.TokenBatch;

/**
 * The token ids of one contrastive batch: every sequence in one {@link TokenBatch} in the order
 * queries (B rows), positives (B rows), then the hard negatives of example 0, 1, ..., with the keys
 * that identify equal query and positive texts.
 *
 * @param sequences all sequences of the batch
 * @param negativeCounts hard negatives of each example
 * @param queryKeys equal keys mark equal query texts
 * @param positiveKeys equal keys mark equal positive texts
 */
public record ContrastiveTokens(TokenBatch sequences, int[] negativeCounts, long[] queryKeys,
    long[] positiveKeys) implements java.io.Serializable {

  public ContrastiveTokens {
    int b = negativeCounts.length;
    int negatives = 0;
    for (int k : negativeCounts) {
      negatives += k;
    }
    if (queryKeys.length != b || positiveKeys.length != b
        || sequences.size() != 2 * b + negatives) {
      throw new InvalidInputException("contrastive batch of " + b + " examples with " + negatives
          + " negatives needs " + (2 * b + negatives) + " sequences, got " + sequences.size());
    }
  }

  /** B, the number of examples. */
  public int examples() {
    return negativeCounts.length;
  }
}
