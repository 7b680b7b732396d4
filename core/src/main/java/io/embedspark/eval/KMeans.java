package io.embedspark.eval;

import io.embedspark.error.InvalidInputException;
import java.util.SplittableRandom;

/**
 * k-means clustering (Lloyd's algorithm with k-means++ seeding, Arthur and Vassilvitskii 2007),
 * the clusterer of MTEB's clustering evaluator, which then scores the assignment by V-measure
 * ({@link ClusteringMetrics}) with k = the number of gold labels. Runs {@code restarts} seeded
 * initialisations and keeps the assignment with the lowest inertia (sum of squared distances to
 * the assigned centre).
 */
public final class KMeans {
  private final int k;
  private final int restarts;
  private final int maxIterations;
  private final long seed;

  /** A clustering and its inertia. */
  public record Result(int[] assignment, double inertia) {}

  public KMeans(int k, int restarts, int maxIterations, long seed) {
    if (k <= 0 || restarts <= 0 || maxIterations <= 0) {
      throw new InvalidInputException("k-means: k = " + k + ", restarts = " + restarts
          + ", iterations = " + maxIterations + " must be positive");
    }
    this.k = k;
    this.restarts = restarts;
    this.maxIterations = maxIterations;
    this.seed = seed;
  }

  public Result fit(float[][] x) {
    if (x.length < k) {
      throw new InvalidInputException("k-means: " + x.length + " points for k = " + k);
    }
    SplittableRandom random = new SplittableRandom(seed);
    Result best = null;
    for (int r = 0; r < restarts; r++) {
      Result run = lloyd(x, plusPlus(x, k, random.split()));
      if (best == null || run.inertia() < best.inertia()) {
        best = run;
      }
    }
    return best;
  }

  /**
   * k-means++ seeding: the first centre uniformly, each next one drawn with probability
   * proportional to its squared distance to the nearest centre chosen so far.
   */
  public static double[][] plusPlus(float[][] x, int k, SplittableRandom random) {
    double[][] centres = new double[k][];
    centres[0] = toDouble(x[random.nextInt(x.length)]);
    double[] nearest = new double[x.length];
    java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (int i = 0; i < x.length; i++) {
        nearest[i] = Math.min(nearest[i], distance(x[i], centres[c - 1]));
        total += nearest[i];
      }
      double u = random.nextDouble() * total;
      int pick = x.length - 1;
      for (int i = 0; i < x.length; i++) {
        u -= nearest[i];
        if (u < 0) {
          pick = i;
          break;
        }
      }
      centres[c] = toDouble(x[pick]);
    }
    return centres;
  }

  /**
   * Lloyd's iterations from the given centres (updated in place) until no assignment changes or
   * {@code maxIterations} assignment passes; an empty cluster keeps its centre.
   */
  public Result lloyd(float[][] x, double[][] centres) {
    int d = x[0].length;
    int[] assignment = new int[x.length];
    java.util.Arrays.fill(assignment, -1);
    double inertia = 0;
    for (int it = 0; it < maxIterations; it++) {
      boolean changed = false;
      inertia = 0;
      for (int i = 0; i < x.length; i++) {
        int bestC = nearest(x[i], centres);
        double bestD = distance(x[i], centres[bestC]);
        changed |= assignment[i] != bestC;
        assignment[i] = bestC;
        inertia += bestD;
      }
      if (!changed) {
        break;
      }
      double[][] sums = new double[k][d];
      int[] counts = new int[k];
      for (int i = 0; i < x.length; i++) {
        counts[assignment[i]]++;
        for (int j = 0; j < d; j++) {
          sums[assignment[i]][j] += x[i][j];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] > 0) {
          for (int j = 0; j < d; j++) {
            centres[c][j] = sums[c][j] / counts[c];
          }
        }
      }
    }
    return new Result(assignment, inertia);
  }

  /** The index of the centre nearest to {@code x} (the first of equals). */
  public static int nearest(float[] x, double[][] centres) {
    int best = 0;
    double bestD = Double.POSITIVE_INFINITY;
    for (int c = 0; c < centres.length; c++) {
      double dist = distance(x, centres[c]);
      if (dist < bestD) {
        bestD = dist;
        best = c;
      }
    }
    return best;
  }

  /** Squared euclidean distance. */
  public static double distance(float[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double t = a[j] - b[j];
      s += t * t;
    }
    return s;
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
