package io.embedspark.eval;

/**
 * Limited-memory BFGS (Nocedal 1980, "Updating quasi-Newton matrices with limited storage";
 * Liu and Nocedal 1989): memory 10, backtracking line search with the Armijo condition. Stops
 * when the largest gradient component is at most {@code gradientThreshold} or after {@code
 * maxIterations} iterations. The objective is a callback, so its sum over rows may be computed
 * anywhere, on the driver or over a cluster's partitions.
 */
public final class Lbfgs {
  private static final int MEMORY = 10;

  private Lbfgs() {}

  /** A differentiable function of a parameter vector. */
  @FunctionalInterface
  public interface Objective {
    /** The value at {@code theta}; writes the gradient into {@code gradient} (overwritten). */
    double value(double[] theta, double[] gradient);
  }

  /** The minimiser found and the iterations it took. */
  public record Result(double[] theta, double value, int iterations) {}

  public static Result minimize(Objective objective, double[] start, int maxIterations,
      double gradientThreshold) {
    int n = start.length;
    double[] theta = start.clone();
    double[] grad = new double[n];
    double f = objective.value(theta, grad);
    double[][] s = new double[MEMORY][];
    double[][] t = new double[MEMORY][];
    double[] rho = new double[MEMORY];
    int stored = 0;
    int iterations = 0;
    while (iterations < maxIterations && maxAbs(grad) > gradientThreshold) {
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
        nextF = objective.value(next, nextGrad);
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
    return new Result(theta, f, iterations);
  }

  /** The two-loop recursion: -H grad. */
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

  static double dot(double[] a, double[] b) {
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
