package io.embedspark.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups sequences into batches of similar length: sorted by length (ties by position, so plans are
 * deterministic), then cut so that each batch's padded size (rows x its longest length) stays within
 * a token budget and a row limit. A sequence longer than the budget gets a batch of its own.
 *
 * <p>{@link #plan} cuts greedily (each batch as full as the limits allow: training chunks of a
 * fixed size). {@link #planLeastPadding} cuts where padding plus a fixed cost per batch is least,
 * which inference wants: a window's few long texts no longer pad the batch of its many short ones.
 */
public final class LengthBuckets {
  /**
   * A batch's fixed cost in padded-token equivalents for {@link #planLeastPadding}: per-call
   * dispatch and the poorer GEMM efficiency of small batches. Chosen by measurement
   * (docs/BENCHMARKS.md, bulk embedding against ONNX Runtime).
   */
  public static final int BATCH_COST_TOKENS = 256;

  private LengthBuckets() {}

  /**
   * The plan within the limits that minimises padded tokens plus {@code batchCost} per batch,
   * found exactly by dynamic programming over cut points of the sorted sequences (batches of an
   * optimal plan are contiguous in length order).
   *
   * @return batches of sequence indices, shortest sequences first
   */
  public static List<int[]> planLeastPadding(int[] lengths, int tokenBudget, int maxRows,
      int batchCost) {
    if (tokenBudget <= 0 || maxRows <= 0 || batchCost < 0) {
      throw new IllegalArgumentException("tokenBudget " + tokenBudget + " and maxRows " + maxRows
          + " must be positive, batchCost " + batchCost + " non-negative");
    }
    int[] order = sortedByLength(lengths);
    int n = order.length;
    long[] best = new long[n + 1];
    int[] cut = new int[n + 1];
    for (int end = 1; end <= n; end++) {
      long longest = lengths[order[end - 1]];
      best[end] = Long.MAX_VALUE;
      for (int start = end - 1; start >= Math.max(0, end - maxRows); start--) {
        long rows = end - start;
        if (rows > 1 && rows * longest > tokenBudget) {
          break;
        }
        long cost = best[start] + rows * longest + batchCost;
        if (cost < best[end]) {
          best[end] = cost;
          cut[end] = start;
        }
      }
    }
    List<int[]> batches = new ArrayList<>();
    for (int end = n; end > 0; end = cut[end]) {
      batches.add(0, Arrays.copyOfRange(order, cut[end], end));
    }
    return batches;
  }

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
    int[] order = sortedByLength(lengths);
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

  private static int[] sortedByLength(int[] lengths) {
    return IntStream.range(0, lengths.length).boxed()
        .sorted(Comparator.<Integer>comparingInt(i -> lengths[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
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
