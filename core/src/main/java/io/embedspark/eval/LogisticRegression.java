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
 * weight vector (logistic). It is strictly convex; this minimises it with L-BFGS (Nocedal 1980;
 * memory 10, backtracking line search with the Armijo condition) until the largest gradient
 * component, divided by the number of rows (scikit-learn scales the loss to a mean), is below
 * {@code tolerance}, or {@code maxIterations} is reached.
 */
public final class LogisticRegression {
  private static final int MEMORY = 10;
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
    int d = x[0].length;
    int n = (d + 1) * classes;
    INDArray data = Nd4j.createFromArray(x);
    double threshold = tolerance * x.length;
    double[] theta = new double[n];
    double[] grad = new double[n];
    double f = objective(theta, data, y, classes, grad);
    double[][] s = new double[MEMORY][];
    double[][] t = new double[MEMORY][];
    double[] rho = new double[MEMORY];
    int stored = 0;
    iterations = 0;
    while (iterations < maxIterations && maxAbs(grad) > threshold) {
      iterations++;
      double[] dir = direction(grad, s, t, rho, stored);
      double slope = dot(dir, grad);
      if (slope >= 0) { // not a descent direction: restart from steepest descent
        stored = 0;
        dir = negate(grad);
        slope = dot(dir, grad);
      }
      double step = 1.0;
      double[] next = new double[n];
      double[] nextGrad = new double[n];
      double nextF;
      while (true) {
        for (int i = 0; i < n; i++) {
          next[i] = theta[i] + step * dir[i];
        }
        nextF = objective(next, data, y, classes, nextGrad);
        if (nextF <= f + 1e-4 * step * slope || step < 1e-20) {
          break;
        }
        step *= 0.5;
      }
      double[] sk = new double[n];
      double[] yk = new double[n];
      for (int i = 0; i < n; i++) {
        sk[i] = next[i] - theta[i];
        yk[i] = nextGrad[i] - grad[i];
      }
      double sy = dot(sk, yk);
      if (sy > 1e-12) {
        int slot = stored < MEMORY ? stored++ : shift(s, t, rho);
        s[slot] = sk;
        t[slot] = yk;
        rho[slot] = 1.0 / sy;
      }
      if (f - nextF <= 0 && step < 1e-20) {
        break; // no further progress possible
      }
      theta = next;
      grad = nextGrad;
      f = nextF;
    }
    weights = new double[classes][d];
    intercepts = new double[classes];
    for (int k = 0; k < classes; k++) {
      System.arraycopy(theta, k * (d + 1), weights[k], 0, d);
      intercepts[k] = theta[k * (d + 1) + d];
    }
    return this;
  }

  /** The most probable class of each row. */
  public int[] predict(double[][] x) {
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < weights.length; k++) {
        double z = intercepts[k] + dot(weights[k], x[i]);
        if (z > bestScore) {
          bestScore = z;
          best = k;
        }
      }
      out[i] = best;
    }
    return out;
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
   * The objective at theta (per class: d weights then the intercept); fills its gradient. The
   * products with the data are ND4J matrix products in double precision.
   */
  private double objective(double[] theta, INDArray x, int[] y, int classes, double[] grad) {
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
      for (int j = 0; j < d; j++) {
        double wkj = theta[k * (d + 1) + j];
        loss += wkj * wkj / (2 * c);
        grad[k * (d + 1) + j] = gw[k * d + j] + wkj / c;
      }
      grad[k * (d + 1) + d] = gb[k];
    }
    if (classes == 2) {
      // Two classes: scikit-learn fits one weight vector (a sigmoid), which is the softmax with
      // class 0 pinned at zero; its parameters keep a zero gradient and stay zero.
      Arrays.fill(grad, 0, d + 1, 0.0);
    }
    return loss;
  }

  /** The L-BFGS two-loop recursion: -H grad. */
  private static double[] direction(double[] grad, double[][] s, double[][] t, double[] rho,
      int stored) {
    double[] q = grad.clone();
    double[] alpha = new double[stored];
    for (int i = stored - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dot(s[i], q);
      axpy(-alpha[i], t[i], q);
    }
    double gamma = stored == 0 ? 1.0 / Math.max(1.0, maxAbs(grad))
        : dot(s[stored - 1], t[stored - 1]) / dot(t[stored - 1], t[stored - 1]);
    for (int i = 0; i < q.length; i++) {
      q[i] *= gamma;
    }
    for (int i = 0; i < stored; i++) {
      double beta = rho[i] * dot(t[i], q);
      axpy(alpha[i] - beta, s[i], q);
    }
    return negate(q);
  }

  private static int shift(double[][] s, double[][] t, double[] rho) {
    System.arraycopy(s, 1, s, 0, MEMORY - 1);
    System.arraycopy(t, 1, t, 0, MEMORY - 1);
    System.arraycopy(rho, 1, rho, 0, MEMORY - 1);
    return MEMORY - 1;
  }

  private static double[] negate(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = -v[i];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
