package io.embedspark.jobs.eval;

import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.KMeans;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;

/**
 * {@link KMeans} (Lloyd's algorithm, k-means++ seeding; Arthur and Vassilvitskii 2007) over
 * points spread over a cluster. All restarts advance together: one {@code treeAggregate} pass per
 * iteration sums every restart's points per centre. A restart stops when its centres no longer
 * move, which is when its assignment no longer changes, the driver-side rule; the restart with
 * the lowest inertia wins. Seeds are drawn by k-means++ from a seeded uniform sample of the
 * points (all of them when there are at most {@code sampleSize}).
 */
public final class DistributedKMeans {
  private final int k;
  private final int restarts;
  private final int maxIterations;
  private final int sampleSize;
  private final long seed;

  /** The winning restart's centres (those of its last assignment pass) and its inertia. */
  public record Result(double[][] centres, double inertia, int iterations) implements
      Serializable {}

  public DistributedKMeans(int k, int restarts, int maxIterations, int sampleSize, long seed) {
    if (k <= 0 || restarts <= 0 || maxIterations <= 0 || sampleSize < k) {
      throw new InvalidInputException("k-means: k = " + k + ", restarts = " + restarts
          + ", iterations = " + maxIterations + " must be positive and the seeding sample ("
          + sampleSize + ") at least k");
    }
    this.k = k;
    this.restarts = restarts;
    this.maxIterations = maxIterations;
    this.sampleSize = sampleSize;
    this.seed = seed;
  }

  /** Clusters the points, which should be persisted (one pass per iteration). */
  public Result fit(JavaRDD<float[]> points) {
    List<float[]> sample = points.takeSample(false, sampleSize, seed);
    if (sample.size() < k) {
      throw new InvalidInputException("k-means: " + sample.size() + " points for k = " + k);
    }
    float[][] x = sample.toArray(new float[0][]);
    SplittableRandom random = new SplittableRandom(seed);
    double[][][] centres = new double[restarts][][];
    for (int r = 0; r < restarts; r++) {
      centres[r] = KMeans.plusPlus(x, k, random.split());
    }
    return lloyd(points, centres);
  }

  /** Lloyd's iterations of every restart from the given centres. */
  public Result lloyd(JavaRDD<float[]> points, double[][][] start) {
    int r = start.length;
    int d = start[0][0].length;
    double[][][] current = new double[r][][];
    for (int i = 0; i < r; i++) {
      current[i] = copy(start[i]);
    }
    double[][][] used = new double[r][][];
    double[] inertia = new double[r];
    boolean[] converged = new boolean[r];
    int iterations = 0;
    while (iterations < maxIterations) {
      iterations++;
      double[][][] centres = current;
      Sums sums = points.treeAggregate(new Sums(r, k, d), (s, p) -> s.add(p, centres),
          Sums::merge);
      boolean all = true;
      for (int i = 0; i < r; i++) {
        if (converged[i]) {
          continue;
        }
        used[i] = copy(current[i]);
        inertia[i] = sums.inertia[i];
        double[][] next = sums.means(i, current[i]);
        converged[i] = Arrays.deepEquals(next, current[i]);
        current[i] = next;
        all &= converged[i];
      }
      if (all) {
        break;
      }
    }
    int best = 0;
    for (int i = 1; i < r; i++) {
      if (inertia[i] < inertia[best]) {
        best = i;
      }
    }
    return new Result(used[best], inertia[best], iterations);
  }

  private static double[][] copy(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
    }
    return out;
  }

  /** Per restart and centre: the sum and number of the points assigned; per restart: inertia. */
  private static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[][][] sum;
    private final long[][] count;
    private final double[] inertia;

    Sums(int restarts, int k, int d) {
      sum = new double[restarts][k][d];
      count = new long[restarts][k];
      inertia = new double[restarts];
    }

    Sums add(float[] p, double[][][] centres) {
      for (int r = 0; r < centres.length; r++) {
        int c = KMeans.nearest(p, centres[r]);
        inertia[r] += KMeans.distance(p, centres[r][c]);
        count[r][c]++;
        double[] s = sum[r][c];
        for (int j = 0; j < p.length; j++) {
          s[j] += p[j];
        }
      }
      return this;
    }

    Sums merge(Sums o) {
      for (int r = 0; r < sum.length; r++) {
        inertia[r] += o.inertia[r];
        for (int c = 0; c < sum[r].length; c++) {
          count[r][c] += o.count[r][c];
          for (int j = 0; j < sum[r][c].length; j++) {
            sum[r][c][j] += o.sum[r][c][j];
          }
        }
      }
      return this;
    }

    /** The new centres of restart r; an empty cluster keeps its centre. */
    double[][] means(int r, double[][] old) {
      double[][] out = new double[old.length][];
      for (int c = 0; c < old.length; c++) {
        if (count[r][c] == 0) {
          out[c] = old[c].clone();
        } else {
          out[c] = new double[old[c].length];
          for (int j = 0; j < out[c].length; j++) {
            out[c][j] = sum[r][c][j] / count[r][c];
          }
        }
      }
      return out;
    }
  }
}
