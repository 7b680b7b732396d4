package io.embedspark.eval;

import io.embedspark.error.InvalidInputException;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Multinomial logistic regression with an L2 penalty on the weights (not the intercepts), the
 * classifier MTEB's classification evaluator fits on frozen embeddings (Muennighoff et al. 2023,
 * arXiv 2210.07316): the objective of scikit-learn's default {@code LogisticRegression} (lbfgs,
 * C = 1): sum_i -log softmax(W x_i + b)[y_i] + ||W||^2 / (2 C), for two classes with one
 * weight vector (logistic). It is strictly convex; this minimises it with {@link Lbfgs} until
 * the largest gradient component, divided by the number of rows (scikit-learn scales the loss to
 * a mean), is below {@code tolerance}, or {@code maxIterations} is reached.
 */
public final class LogisticRegression implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final double c;
  private final int maxIterations;
  private final double tolerance;
  private double[][] weights;
  private double[] intercepts;
  private int iterations;

  public LogisticRegression(double c, int maxIterations, double tolerance) {
    if (!(c > 0) || maxIterations <= 0 || !(tolerance > 0)) {
      throw new InvalidInputException("logistic regression: C = " + c + ", max iterations = "
          + maxIterations + ", tolerance = " + tolerance + " must be positive");
    }
    this.c = c;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
  }

  /**
   * MTEB's settings, those of scikit-learn's default: C = 1, at most 100 iterations, stopping when
   * the largest gradient component of the mean loss is below 1e-4.
   */
  public static LogisticRegression mteb() {
    return new LogisticRegression(1.0, 100, 1e-4);
  }

  /**
   * Fits on rows {@code x} with labels {@code y} in 0..classes-1.
   *
   * @return this, fitted
   */
  public LogisticRegression fit(double[][] x, int[] y, int classes) {
    if (x.length != y.length || x.length == 0) {
      throw new InvalidInputException("logistic regression: " + x.length + " rows and "
          + y.length + " labels");
    }
    INDArray data = Nd4j.createFromArray(x);
    return fit(x[0].length, classes, x.length, (theta, grad) -> dataLoss(theta, data, y,
        classes, grad));
  }

  /**
   * Fits with the data term computed by the caller, for rows held elsewhere (a cluster's
   * partitions, say): {@code data} returns the summed {@link #dataLoss} of all {@code rows} rows
   * at theta and writes its gradient. The penalty is added here.
   *
   * @param d features per row
   * @return this, fitted
   */
  public LogisticRegression fit(int d, int classes, long rows, Lbfgs.Objective data) {
    if (d <= 0 || classes <= 0 || rows <= 0) {
      throw new InvalidInputException("logistic regression: " + rows + " rows of " + d
          + " features and " + classes + " classes; each must be positive");
    }
    Lbfgs.Objective objective = (theta, grad) -> {
      double loss = data.value(theta, grad);
      for (int k = 0; k < classes; k++) {
        for (int j = 0; j < d; j++) {
          double wkj = theta[k * (d + 1) + j];
          loss += wkj * wkj / (2 * c);
          grad[k * (d + 1) + j] += wkj / c;
        }
      }
      if (classes == 2) {
        // Two classes: scikit-learn fits one weight vector (a sigmoid), which is the softmax
        // with class 0 pinned at zero; its parameters keep a zero gradient and stay zero.
        Arrays.fill(grad, 0, d + 1, 0.0);
      }
      return loss;
    };
    Lbfgs.Result r = Lbfgs.minimize(objective, new double[(d + 1) * classes], maxIterations,
        tolerance * rows);
    iterations = r.iterations();
    weights = new double[classes][d];
    intercepts = new double[classes];
    for (int k = 0; k < classes; k++) {
      System.arraycopy(r.theta(), k * (d + 1), weights[k], 0, d);
      intercepts[k] = r.theta()[k * (d + 1) + d];
    }
    return this;
  }

  /** The most probable class of each row. */
  public int[] predict(double[][] x) {
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = predict(x[i]);
    }
    return out;
  }

  /** The most probable class of one row (the first of equal scores). */
  public int predict(double[] x) {
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < weights.length; k++) {
      double z = intercepts[k] + Lbfgs.dot(weights[k], x);
      if (z > bestScore) {
        bestScore = z;
        best = k;
      }
    }
    return best;
  }

  public double[][] weights() {
    return weights;
  }

  public double[] intercepts() {
    return intercepts;
  }

  /** L-BFGS iterations the last fit took. */
  public int iterations() {
    return iterations;
  }

  /**
   * The data term of the objective at theta (per class: d weights then the intercept), summed
   * over the rows of {@code x}: the softmax cross-entropy, without the penalty. Overwrites
   * {@code grad} with its gradient. The products with the data are ND4J matrix products in
   * double precision.
   */
  public static double dataLoss(double[] theta, INDArray x, int[] y, int classes,
      double[] grad) {
    int n = (int) x.rows();
    int d = (int) x.columns();
    INDArray params = Nd4j.create(theta, new long[] {classes, d + 1}, 'c');
    INDArray w = params.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d));
    INDArray b = params.get(NDArrayIndex.all(), NDArrayIndex.point(d));
    INDArray z = x.mmul(w.transpose()).addiRowVector(b);
    double[] zs = z.data().asDouble();
    double loss = 0;
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, zs[i * classes + k]);
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        sum += Math.exp(zs[i * classes + k] - max);
      }
      double logSum = max + Math.log(sum);
      loss += logSum - zs[i * classes + y[i]];
      for (int k = 0; k < classes; k++) {
        zs[i * classes + k] = Math.exp(zs[i * classes + k] - logSum) - (k == y[i] ? 1 : 0);
      }
    }
    INDArray g = Nd4j.create(zs, new long[] {n, classes}, 'c');
    double[] gw = g.transpose().mmul(x).data().asDouble();
    double[] gb = g.sum(0).data().asDouble();
    for (int k = 0; k < classes; k++) {
      System.arraycopy(gw, k * d, grad, k * (d + 1), d);
      grad[k * (d + 1) + d] = gb[k];
    }
    return loss;
  }
}
