package io.embedspark.gradcache;

import io.embedspark.loss.ContrastiveBatch;
import io.embedspark.loss.LossResult;

/**
 * Maps the rows of a contrastive batch's sequence embeddings (queries, positives, then negatives
 * in example order; see {@link ContrastiveTokens}) to a {@link ContrastiveBatch} and maps the
 * loss gradients back to rows.
 */
public final class EmbeddingLayout {
  private EmbeddingLayout() {}

  public static ContrastiveBatch toBatch(ContrastiveTokens tokens, double[][] rows) {
    int b = tokens.examples();
    double[][] q = new double[b][];
    double[][] p = new double[b][];
    double[][][] n = new double[b][][];
    int next = 2 * b;
    for (int i = 0; i < b; i++) {
      q[i] = rows[i];
      p[i] = rows[b + i];
      n[i] = new double[tokens.negativeCounts()[i]][];
      for (int k = 0; k < n[i].length; k++) {
        n[i][k] = rows[next++];
      }
    }
    return new ContrastiveBatch(q, p, n, tokens.queryKeys(), tokens.positiveKeys());
  }

  public static double[][] toRows(ContrastiveTokens tokens, LossResult grads) {
    int b = tokens.examples();
    double[][] rows = new double[tokens.sequences().size()][];
    int next = 2 * b;
    for (int i = 0; i < b; i++) {
      rows[i] = grads.gradQueries()[i];
      rows[b + i] = grads.gradPositives()[i];
      for (double[] g : grads.gradNegatives()[i]) {
        rows[next++] = g;
      }
    }
    return rows;
  }
}
