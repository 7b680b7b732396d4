package io.embedspark.embed;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cores one caller of a shared inference engine may use now. A machine's cores are split
 * evenly among the callers that joined: each gets {@code perCaller} threads while others run, and
 * a caller left alone gets them all. On a Spark executor the callers are the running tasks, so the
 * last task of a stage no longer runs on one core while the others sit idle.
 *
 * <p>Callers that never join are counted as nobody: with no caller joined, {@link #threads()} is
 * {@code perCaller}, so an engine used outside this accounting never oversubscribes the machine.
 */
public final class CoreShare {
  private final int cores;
  private final int perCaller;
  private final AtomicInteger callers = new AtomicInteger();

  /**
   * @param cores the cores of the machine (a Spark executor's cores)
   * @param perCaller the cores of one caller while others run (Spark's {@code spark.task.cpus})
   */
  public CoreShare(int cores, int perCaller) {
    if (perCaller <= 0 || cores < perCaller) {
      throw new IllegalArgumentException("cores = " + cores + " and perCaller = " + perCaller
          + ": need 0 < perCaller <= cores");
    }
    this.cores = cores;
    this.perCaller = perCaller;
  }

  /** A share that never changes: every call uses {@code threads}. */
  public static CoreShare fixed(int threads) {
    return new CoreShare(threads, threads);
  }

  /** The cores a caller may use for its next call. */
  public int threads() {
    return callers.get() == 1 ? cores : perCaller;
  }

  /** Every thread count {@link #threads()} can return, smallest first. */
  public int[] threadCounts() {
    return cores == perCaller ? new int[] {perCaller} : new int[] {perCaller, cores};
  }

  /** The number of callers joined now. */
  public int callers() {
    return callers.get();
  }

  /**
   * Counts a caller until the returned action runs (at most once however often it is called).
   */
  public Runnable join() {
    callers.incrementAndGet();
    AtomicBoolean left = new AtomicBoolean();
    return () -> {
      if (left.compareAndSet(false, true)) {
        callers.decrementAndGet();
      }
    };
  }
}
