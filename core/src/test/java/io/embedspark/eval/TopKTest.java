package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bounded top-k heap against sorting everything: the same k pairs in the same order (score
 * descending, ties by id descending as trec_eval orders them), whatever the arrival order, and
 * partial heaps merged equal the global one.
 */
class TopKTest {
  private static List<Hit> candidates() {
    Random r = new Random(3);
    List<Hit> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // coarse scores, so many ties
      all.add(new Hit("d" + i, Math.round(r.nextDouble() * 20) / 20.0));
    }
    return all;
  }

  private static List<Hit> sortedTop(List<Hit> all, int k) {
    List<Hit> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingDouble(Hit::score).reversed()
        .thenComparing(Hit::id, Comparator.reverseOrder()));
    return sorted.subList(0, k);
  }

  @Test
  void keepsTheSortedTopKWhateverTheArrivalOrder() {
    List<Hit> all = candidates();
    List<Hit> expected = sortedTop(all, 25);
    for (long seed = 0; seed < 5; seed++) {
      List<Hit> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, new Random(seed));
      TopK heap = new TopK(25);
      shuffled.forEach(h -> heap.offer(h.id(), h.score()));
      assertEquals(expected, heap.best(), "arrival order " + seed);
    }
  }

  @Test
  void mergedPartialHeapsEqualTheGlobalHeap() {
    List<Hit> all = candidates();
    TopK a = new TopK(25);
    TopK b = new TopK(25);
    for (int i = 0; i < all.size(); i++) {
      (i % 3 == 0 ? a : b).offer(all.get(i).id(), all.get(i).score());
    }
    assertEquals(sortedTop(all, 25), a.merge(b).best());
    assertNotEquals(sortedTop(all, 25), b.best(), "negative control: one part alone differs");
  }

  @Test
  void thresholdAdmitsNothingBelowTheWorstKeptScore() {
    TopK heap = new TopK(2);
    assertEquals(Float.NEGATIVE_INFINITY, heap.threshold());
    heap.offer("a", 0.5);
    heap.offer("b", 0.7);
    assertEquals(0.5f, heap.threshold());
  }
}
