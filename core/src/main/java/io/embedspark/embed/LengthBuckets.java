package io.embedspark.embed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups sequences into batches of similar length: sorted by length (ties by position, so plans are
 * deterministic), then cut so that each batch's padded size (rows x its longest length) stays within
 * a token budget and a row limit. A sequence longer than the budget gets a batch of its own.
 */
public final class LengthBuckets {
  private LengthBuckets() {}

  /**
   * @param lengths token count of each sequence
   * @param tokenBudget most padded tokens per batch
   * @param maxRows most sequences per batch
   * @return batches of sequence indices, shortest sequences first
   */
  public static List<int[]> plan(int[] lengths, int tokenBudget, int maxRows) {
    if (tokenBudget <= 0 || maxRows <= 0) {
      throw new IllegalArgumentException("tokenBudget " + tokenBudget + " and maxRows " + maxRows
          + " must be positive");
    }
    int[] order = IntStream.range(0, lengths.length).boxed()
        .sorted(Comparator.<Integer>comparingInt(i -> lengths[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
    List<int[]> batches = new ArrayList<>();
    int start = 0;
    while (start < order.length) {
      int end = start + 1;
      // Sorted ascending, so the batch's longest sequence is always its last.
      while (end < order.length && end - start < maxRows
          && (long) (end - start + 1) * lengths[order[end]] <= tokenBudget) {
        end++;
      }
      int[] batch = new int[end - start];
      System.arraycopy(order, start, batch, 0, batch.length);
      batches.add(batch);
      start = end;
    }
    return batches;
  }

  /** Padded tokens of a plan: the compute it costs. */
  public static long paddedTokens(int[] lengths, List<int[]> plan) {
    long total = 0;
    for (int[] batch : plan) {
      int longest = 0;
      for (int i : batch) {
        longest = Math.max(longest, lengths[i]);
      }
      total += (long) longest * batch.length;
    }
    return total;
  }
}
