package io.embedspark.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** How a machine's cores are split among the callers of a shared engine. */
class CoreShareTest {
  @Test
  void aCallerAloneGetsEveryCoreAndCallersTogetherGetTheirOwn() {
    CoreShare share = new CoreShare(8, 2);
    assertEquals(2, share.threads(), "nobody joined: a caller outside the accounting gets its own");
    Runnable first = share.join();
    assertEquals(8, share.threads(), "alone: every core");
    Runnable second = share.join();
    assertEquals(2, share.threads(), "two callers: each its own cores");
    first.run();
    assertEquals(8, share.threads(), "the other left: every core again");
    second.run();
    assertEquals(0, share.callers());
  }

  @Test
  void leavingTwiceCountsOnce() {
    CoreShare share = new CoreShare(2, 1);
    Runnable a = share.join();
    Runnable b = share.join();
    a.run();
    a.run();
    assertEquals(1, share.callers(), "a second leave of the same caller must not count");
    assertEquals(2, share.threads());
    b.run();
  }

  @Test
  void threadCountsAreEveryValueThreadsCanReturn() {
    assertArrayEquals(new int[] {1, 2}, new CoreShare(2, 1).threadCounts());
    assertArrayEquals(new int[] {3}, CoreShare.fixed(3).threadCounts());
    CoreShare fixed = CoreShare.fixed(3);
    fixed.join();
    assertEquals(3, fixed.threads(), "a fixed share never changes");
  }

  @Test
  void impossibleSharesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CoreShare(1, 2));
    assertThrows(IllegalArgumentException.class, () -> new CoreShare(2, 0));
  }
}
