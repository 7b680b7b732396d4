package io.embedspark.nd4j;

import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs small ND4J ops whose temporaries only the op holds (a row-vector add, a mean along a
 * dimension, a scalar add) on three threads while a fourth fills a small young generation, so
 * collections happen during native calls. Prints the ops done and exits 0 once {@code ops} are
 * done or {@code seconds} have passed, and the count so far every second; a JVM that frees an op's buffers too early dies first.
 * Arguments: ops, seconds.
 */
public final class OpStress {
  private OpStress() {}

  public static void main(String[] args) throws InterruptedException {
    long budget = Long.parseLong(args[0]);
    long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
    AtomicLong done = new AtomicLong();
    Thread garbage = new Thread(() -> {
      long sum = 0;
      while (sum >= 0) {
        sum += new byte[1 << 16].length;
      }
    });
    garbage.setDaemon(true);
    garbage.start();
    for (int w = 0; w < 3; w++) {
      Thread t = new Thread(() -> {
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 8);
        INDArray row = Nd4j.rand(DataType.FLOAT, 1, 8);
        while (true) {
          x.addiRowVector(row).subiRowVector(row);
          x.subiColumnVector(x.mean(true, 1)).addi(0.5);
          done.incrementAndGet();
        }
      });
      t.setDaemon(true);
      t.start();
    }
    System.out.println("executioner " + Nd4j.getExecutioner().getClass().getName());
    long printed = System.nanoTime();
    while (done.get() < budget && System.nanoTime() < end) {
      Thread.sleep(50);
      if (System.nanoTime() - printed > 1_000_000_000L) {
        System.out.println("ops " + done.get());
        printed = System.nanoTime();
      }
    }
    System.out.println("survived " + done.get() + " ops");
    System.out.flush();
    System.exit(0);
  }
}
