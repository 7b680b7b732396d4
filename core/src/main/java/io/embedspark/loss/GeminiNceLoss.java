package io.embedspark.loss;

import io.embedspark.error.InvalidInputException;

/**
 * The noise-contrastive estimation loss of Gemini Embedding (Lee et al. 2025, arXiv 2503.07891,
 * section 3), with in-batch negatives and optional hard negatives:
 *
 * <pre>
 *   L = (1/B) sum_i -log( exp(s(q_i,p_i+)/tau) /
 *         ( sum_k exp(s(q_i,p_ik-)/tau) + sum_j mask(i,j) exp(s(q_i,p_j+)/tau) ) )
 * </pre>
 *
 * where s is the cosine similarity of the first {@code dim} coordinates and mask(i, j) removes
 * in-batch negatives that share the query or the positive ({@link ContrastiveBatch}). Computed in
 * double precision with a stable log-sum-exp; returns the gradient with respect to every input
 * embedding (through the re-normalisation of the prefix), which the gradient cache feeds back
 * into the encoder.
 */
public final class GeminiNceLoss {
  private final double temperature;

  public GeminiNceLoss(double temperature) {
    if (!(temperature > 0)) {
      throw new InvalidInputException("loss.temperature = " + temperature + " must be positive");
    }
    this.temperature = temperature;
  }

  public double temperature() {
    return temperature;
  }

  /** The loss on the first {@code dim} coordinates; gradients have the full width, zero beyond. */
  public LossResult compute(ContrastiveBatch batch, int dim) {
    int b = batch.size();
    Prefixes q = Prefixes.of(batch.queries(), dim);
    Prefixes p = Prefixes.of(batch.positives(), dim);
    Prefixes[] n = new Prefixes[b];
    for (int i = 0; i < b; i++) {
      n[i] = Prefixes.of(batch.negatives()[i], dim);
    }
    double[][] gq = new double[b][dim];
    double[][] gp = new double[b][dim];
    double[][][] gn = new double[b][][];
    double loss = 0;
    for (int i = 0; i < b; i++) {
      gn[i] = new double[n[i].size()][dim];
      loss += row(i, batch, q, p, n[i], gq, gp, gn[i]);
    }
    double width = batch.width();
    return new LossResult(loss / b, q.backward(gq, 1.0 / b, (int) width),
        p.backward(gp, 1.0 / b, (int) width), backwardNegatives(n, gn, b, (int) width));
  }

  /** -log softmax of the positive among example i's candidates; accumulates unscaled gradients. */
  private double row(int i, ContrastiveBatch batch, Prefixes q, Prefixes p, Prefixes n,
      double[][] gq, double[][] gp, double[][] gn) {
    int b = batch.size();
    int candidates = b + n.size();
    double[] logits = new double[candidates];
    boolean[] used = new boolean[candidates];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < candidates; j++) {
      used[j] = j >= b || batch.inBatchNegative(i, j);
      if (used[j]) {
        double[] other = j < b ? p.unit(j) : n.unit(j - b);
        logits[j] = dot(q.unit(i), other) / temperature;
        max = Math.max(max, logits[j]);
      }
    }
    double sum = 0;
    for (int j = 0; j < candidates; j++) {
      if (used[j]) {
        sum += Math.exp(logits[j] - max);
      }
    }
    double logSumExp = max + Math.log(sum);
    for (int j = 0; j < candidates; j++) {
      if (!used[j]) {
        continue;
      }
      double dLogit = (Math.exp(logits[j] - logSumExp) - (j == i ? 1.0 : 0.0)) / temperature;
      double[] other = j < b ? p.unit(j) : n.unit(j - b);
      double[] gOther = j < b ? gp[j] : gn[j - b];
      axpy(dLogit, other, gq[i]);
      axpy(dLogit, q.unit(i), gOther);
    }
    return logSumExp - logits[i];
  }

  private static double[][][] backwardNegatives(Prefixes[] n, double[][][] gn, int b, int width) {
    double[][][] out = new double[b][][];
    for (int i = 0; i < b; i++) {
      out[i] = n[i].backward(gn[i], 1.0 / b, width);
    }
    return out;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  static void axpy(double a, double[] x, double[] y) {
    for (int k = 0; k < x.length; k++) {
      y[k] += a * x[k];
    }
  }
}
