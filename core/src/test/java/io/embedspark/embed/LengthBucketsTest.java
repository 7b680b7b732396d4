package io.embedspark.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {
  private static int[] mixedLengths(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      lengths[i] = r.nextInt(10) == 0 ? 200 + r.nextInt(312) : 5 + r.nextInt(60);
    }
    return lengths;
  }

  @Test
  void everySequenceIsInExactlyOneBatchWithinTheBudgetAndRowLimit() {
    int[] lengths = mixedLengths(1000, 1);
    List<int[]> plan = LengthBuckets.plan(lengths, 4096, 64);
    int[] seen = new int[lengths.length];
    for (int[] batch : plan) {
      int longest = Arrays.stream(batch).map(i -> lengths[i]).max().getAsInt();
      assertTrue(batch.length <= 64, "row limit");
      assertTrue(batch.length == 1 || (long) longest * batch.length <= 4096, "budget");
      for (int i : batch) {
        seen[i]++;
      }
    }
    assertTrue(Arrays.stream(seen).allMatch(c -> c == 1), "each sequence once");
  }

  @Test
  void bucketingSpendsFarLessOnPaddingThanFixedBatchesInInputOrder() {
    int[] lengths = mixedLengths(1000, 2);
    long real = Arrays.stream(lengths).asLongStream().sum();
    long bucketed = LengthBuckets.paddedTokens(lengths, LengthBuckets.plan(lengths, 4096, 64));
    long naive = 0;
    for (int from = 0; from < lengths.length; from += 32) {
      int to = Math.min(lengths.length, from + 32);
      naive += (long) (to - from) * Arrays.stream(lengths, from, to).max().getAsInt();
    }
    assertTrue(bucketed < 1.1 * real, "bucketed " + bucketed + " vs real " + real);
    assertTrue(naive > 2 * real, "negative control: fixed batches pad " + naive);
  }

  @Test
  void aSequenceLongerThanTheBudgetGetsABatchOfItsOwn() {
    List<int[]> plan = LengthBuckets.plan(new int[] {3, 500, 4}, 100, 8);
    assertEquals(2, plan.size());
    assertArrayEquals(new int[] {0, 2}, plan.get(0));
    assertArrayEquals(new int[] {1}, plan.get(1));
  }

  @Test
  void plansAreDeterministicAndTiesKeepInputOrder() {
    int[] lengths = {7, 7, 3, 7, 3};
    List<int[]> a = LengthBuckets.plan(lengths, 1000, 2);
    assertArrayEquals(new int[] {2, 4}, a.get(0));
    assertArrayEquals(new int[] {0, 1}, a.get(1));
    assertArrayEquals(new int[] {3}, a.get(2));
  }

  @Test
  void nonPositiveLimitsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LengthBuckets.plan(new int[] {1}, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> LengthBuckets.plan(new int[] {1}, 1, 0));
  }

  /** The least cost over every partition of the sequences into batches (any grouping). */
  private static long bruteForce(int[] lengths, int budget, int maxRows, int batchCost) {
    return bruteForce(lengths, 0, new java.util.ArrayList<>(), budget, maxRows, batchCost);
  }

  private static long bruteForce(int[] lengths, int next, List<List<Integer>> groups, int budget,
      int maxRows, int batchCost) {
    if (next == lengths.length) {
      long cost = 0;
      for (List<Integer> g : groups) {
        int longest = g.stream().mapToInt(i -> lengths[i]).max().getAsInt();
        if (g.size() > maxRows || (g.size() > 1 && (long) g.size() * longest > budget)) {
          return Long.MAX_VALUE;
        }
        cost += (long) g.size() * longest + batchCost;
      }
      return cost;
    }
    long best = Long.MAX_VALUE;
    for (int k = 0, open = groups.size(); k < open; k++) {
      List<Integer> g = groups.get(k);
      g.add(next);
      best = Math.min(best, bruteForce(lengths, next + 1, groups, budget, maxRows, batchCost));
      g.remove(g.size() - 1);
    }
    groups.add(new java.util.ArrayList<>(List.of(next)));
    best = Math.min(best, bruteForce(lengths, next + 1, groups, budget, maxRows, batchCost));
    groups.remove(groups.size() - 1);
    return best;
  }

  @Test
  void leastPaddingPlansCostWhatTheBestOfAllGroupingsCosts() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 60; trial++) {
      int n = 1 + r.nextInt(7);
      int[] lengths = new int[n];
      for (int i = 0; i < n; i++) {
        lengths[i] = 1 + r.nextInt(r.nextBoolean() ? 8 : 60);
      }
      int budget = 20 + r.nextInt(200);
      int maxRows = 1 + r.nextInt(4);
      int batchCost = r.nextInt(40);
      List<int[]> plan = LengthBuckets.planLeastPadding(lengths, budget, maxRows, batchCost);
      long cost = LengthBuckets.paddedTokens(lengths, plan) + (long) batchCost * plan.size();
      assertEquals(bruteForce(lengths, budget, maxRows, batchCost), cost,
          Arrays.toString(lengths) + " budget " + budget + " rows " + maxRows);
      int[] seen = new int[n];
      plan.forEach(b -> Arrays.stream(b).forEach(i -> seen[i]++));
      assertTrue(Arrays.stream(seen).allMatch(c -> c == 1), "each sequence once");
    }
  }

  @Test
  void aWindowsFewLongTextsNoLongerPadItsManyShortOnes() {
    int[] lengths = new int[300];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = i < 290 ? 10 + i % 20 : 250;
    }
    long real = Arrays.stream(lengths).asLongStream().sum();
    long greedy = LengthBuckets.paddedTokens(lengths, LengthBuckets.plan(lengths, 16384, 256));
    long least = LengthBuckets.paddedTokens(lengths,
        LengthBuckets.planLeastPadding(lengths, 16384, 256, LengthBuckets.BATCH_COST_TOKENS));
    assertTrue(least < 1.15 * real, "least-padding plan pads " + least + " for " + real);
    assertTrue(greedy > 1.3 * real, "negative control: the greedy plan pads " + greedy);
  }
}
