package io.embedspark.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The count of examples left without any negative, against the mask's own definition. */
class ContrastiveBatchTest {
  @Test
  void examplesWithoutNegativesEqualsTheMaskAppliedPairByPair() {
    SplittableRandom r = new SplittableRandom(5);
    int seenAll = 0;
    for (int trial = 0; trial < 300; trial++) {
      int b = 1 + r.nextInt(9);
      long[] q = new long[b];
      long[] p = new long[b];
      int[] hard = new int[b];
      for (int i = 0; i < b; i++) {
        q[i] = r.nextInt(1 + r.nextInt(3));
        p[i] = r.nextInt(1 + r.nextInt(3));
        hard[i] = r.nextInt(6) == 0 ? 1 : 0;
      }
      ContrastiveBatch batch = new ContrastiveBatch(new double[b][1], new double[b][1],
          new double[b][0][], q, p);
      int expected = 0;
      for (int i = 0; i < b; i++) {
        boolean any = hard[i] > 0;
        for (int j = 0; j < b; j++) {
          any |= j != i && batch.inBatchNegative(i, j);
        }
        expected += any ? 0 : 1;
      }
      assertEquals(expected, ContrastiveBatch.examplesWithoutNegatives(q, p, hard),
          "trial " + trial);
      seenAll += expected == b ? 1 : 0;
    }
    assertEquals(true, seenAll > 0 && seenAll < 300, "both cases occur: " + seenAll);
  }
}
