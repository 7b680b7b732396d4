package io.embedspark.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Measures ND4J's float32 GEMM rate, the machine's ceiling for the encoder's matrix products. */
public final class GemmRate {
  private GemmRate() {}

  /** Best GFLOP/s over {@code repeats} products of two n x n matrices, after a warm-up. */
  public static double measure(int n, int repeats) {
    io.embedspark.model.NativeThreads.ensureConfigured();
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    double best = 0;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      double seconds = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, 2.0 * n * n * n / seconds / 1e9);
    }
    return best;
  }
}
