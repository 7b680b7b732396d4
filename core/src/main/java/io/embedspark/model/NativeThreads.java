package io.embedspark.model;

import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many native threads ND4J uses. Matrix products run on the BLAS library's threads, one per
 * core given; ND4J's other ops (element-wise, reductions, softmax) run on one OpenMP thread. Left
 * at ND4J's defaults, both pools take every core and their spinning threads compete: on 2 cores a
 * training step of the small preset ran 2.3 times slower and inference 1.15 times slower
 * (docs/BENCHMARKS.md).
 *
 * <p>OpenMP keeps the thread count per calling thread, so this is set per Java thread: encoders
 * apply the default (all available processors) on a thread that has not been configured; Spark
 * tasks configure their own thread with the task's cores.
 */
public final class NativeThreads {
  private static final ThreadLocal<Integer> CONFIGURED = ThreadLocal.withInitial(() -> 0);

  private NativeThreads() {}

  /** Uses {@code cores} BLAS threads and one thread for ND4J's own ops, from this thread. */
  public static void configure(int cores) {
    if (CONFIGURED.get() == cores) {
      return;
    }
    configure(cores, 1);
  }

  /**
   * Uses {@code blasThreads} BLAS threads and {@code opThreads} OpenMP threads for ND4J's own
   * ops, from this thread; the benchmarks use it to measure other settings.
   */
  public static void configure(int blasThreads, int opThreads) {
    if (blasThreads <= 0 || opThreads <= 0) {
      throw new IllegalArgumentException("BLAS threads = " + blasThreads + " and op threads = "
          + opThreads + " must be positive");
    }
    Blas blas = Nd4j.factory().blas(); // loads the backend, which the native ops need first
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(opThreads);
    blas.setMaxThreads(blasThreads);
    CONFIGURED.set(blasThreads);
  }

  /** Applies {@link #configure} with every available processor unless this thread did already. */
  public static void ensureConfigured() {
    if (CONFIGURED.get() == 0) {
      configure(Runtime.getRuntime().availableProcessors());
    }
  }
}
