package io.embedspark.jobs.eval;

import io.embedspark.eval.LogisticRegression;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link LogisticRegression} fitted on rows spread over a cluster: each L-BFGS evaluation sums
 * the data term's loss and gradient over the partitions with {@code treeAggregate}, and the
 * driver adds the penalty and takes the step. Same objective, optimiser and stopping rule as the
 * driver-side fit, so the two agree up to the order of floating-point sums.
 */
public final class DistributedLogisticRegression {
  private DistributedLogisticRegression() {}

  /** Rows of one partition as one dense block, with their labels. */
  public record Block(double[][] x, int[] y) implements Serializable {}

  /** Groups labelled rows into blocks of at most {@code rows} rows per partition. */
  public static JavaRDD<Block> blocks(JavaRDD<LabeledVector> data, int rows) {
    return data.mapPartitions((Iterator<LabeledVector> it) -> {
      List<Block> out = new ArrayList<>();
      List<double[]> x = new ArrayList<>();
      List<Integer> y = new ArrayList<>();
      while (it.hasNext()) {
        LabeledVector v = it.next();
        x.add(v.vector());
        y.add(v.label());
        if (x.size() == rows || !it.hasNext()) {
          out.add(new Block(x.toArray(new double[0][]),
              y.stream().mapToInt(Integer::intValue).toArray()));
          x.clear();
          y.clear();
        }
      }
      return out.iterator();
    });
  }

  /** A labelled row. */
  public record LabeledVector(int label, double[] vector) implements Serializable {}

  /**
   * Fits {@code model} (its C, iterations and tolerance) on the blocks, which should be
   * persisted: each evaluation of the objective is one pass over them.
   *
   * @param d features per row
   * @param rows the number of rows in all blocks
   */
  public static LogisticRegression fit(LogisticRegression model, JavaRDD<Block> blocks, int d,
      int classes, long rows) {
    int n = (d + 1) * classes;
    return model.fit(d, classes, rows, (theta, grad) -> {
      double[] sum = blocks.treeAggregate(new double[n + 1], (acc, block) -> {
        double[] g = new double[n];
        double loss = LogisticRegression.dataLoss(theta, Nd4j.createFromArray(block.x()),
            block.y(), classes, g);
        for (int i = 0; i < n; i++) {
          acc[i] += g[i];
        }
        acc[n] += loss;
        return acc;
      }, (a, b) -> {
        for (int i = 0; i <= n; i++) {
          a[i] += b[i];
        }
        return a;
      });
      System.arraycopy(sum, 0, grad, 0, n);
      return sum[n];
    });
  }
}
