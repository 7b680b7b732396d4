package io.embedspark.loss;

import io.embedspark.error.InvalidInputException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
 * into the encoder. The query-positive similarities and their gradients are matrix products over
 * blocks of 1024 queries, so an 8192-pair batch costs BLAS time and 64 MB per block, not a
 * B x B matrix.
 */
public final class GeminiNceLoss {
  /** Query rows per block of the similarity matrix: memory is this times the batch size. */
  private static final int BLOCK_ROWS = 1024;
  private final double temperature;
  private final int blockRows;

  public GeminiNceLoss(double temperature) {
    this(temperature, BLOCK_ROWS);
  }

  /** With blocks of {@code blockRows} queries; tests use small blocks to cross their borders. */
  GeminiNceLoss(double temperature, int blockRows) {
    if (!(temperature > 0)) {
      throw new InvalidInputException("train.temperature = " + temperature + " must be positive");
    }
    this.temperature = temperature;
    this.blockRows = blockRows;
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
    double[][] gq = new double[b][];
    double[][][] gn = new double[b][][];
    double[][] gp;
    double loss = 0;
    // Every array is freed here: the driver computes this loss every step, and native memory
    // left to the collector outlives its arrays by many steps.
    try (INDArray queries = matrix(q, dim); INDArray positives = matrix(p, dim);
        INDArray gradPositives = Nd4j.zeros(DataType.DOUBLE, b, dim)) {
      for (int from = 0; from < b; from += blockRows) {
        int to = Math.min(b, from + blockRows);
        try (INDArray block = queries.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())
                .dup('c');
            INDArray similarities = Nd4j.create(DataType.DOUBLE, to - from, b);
            INDArray gradBlock = Nd4j.create(DataType.DOUBLE, to - from, dim)) {
          Nd4j.gemm(block, positives, similarities, false, true, 1.0, 0.0);
          double[] logits = similarities.data().asDouble();
          for (int i = from; i < to; i++) {
            gn[i] = new double[n[i].size()][dim];
            loss += row(i, batch, q, n[i], logits, (i - from) * b, gn[i]);
          }
          similarities.data().setData(logits);
          INDArray dLogits = similarities;
          Nd4j.gemm(dLogits, positives, gradBlock, false, false, 1.0, 0.0);
          double[] gBlock = gradBlock.data().asDouble();
          for (int i = from; i < to; i++) {
            gq[i] = java.util.Arrays.copyOfRange(gBlock, (i - from) * dim, (i - from + 1) * dim);
            for (int k = 0; k < n[i].size(); k++) {
              axpy(hardGradient(gn[i][k], q.unit(i)), n[i].unit(k), gq[i]);
            }
          }
          Nd4j.gemm(dLogits, block, gradPositives, true, false, 1.0, 1.0);
        }
      }
      gp = gradPositives.toDoubleMatrix();
    }
    double width = batch.width();
    return new LossResult(loss / b, q.backward(gq, 1.0 / b, (int) width),
        p.backward(gp, 1.0 / b, (int) width), backwardNegatives(n, gn, b, (int) width));
  }

  /** Unit prefixes as a [rows, dim] double matrix. */
  private static INDArray matrix(Prefixes x, int dim) {
    double[][] rows = new double[x.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = x.unit(i);
    }
    return rows.length == 0 ? Nd4j.zeros(DataType.DOUBLE, 0, dim) : Nd4j.createFromArray(rows);
  }

  /**
   * -log softmax of the positive among example i's candidates. On entry {@code logits} holds
   * q_i . p_j (row i at {@code offset}); on return the same places hold dL_i/dlogit_ij / tau
   * (zero for masked candidates), and {@code gn} row k holds dL_i/d(q_i . n_ik) in its first
   * coordinate, to be expanded by {@link #hardGradient}.
   */
  private double row(int i, ContrastiveBatch batch, Prefixes q, Prefixes n, double[] logits,
      int offset, double[][] gn) {
    int b = batch.size();
    double[] hard = new double[n.size()];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < b; j++) {
      if (batch.inBatchNegative(i, j)) {
        logits[offset + j] /= temperature;
        max = Math.max(max, logits[offset + j]);
      } else {
        logits[offset + j] = Double.NEGATIVE_INFINITY;
      }
    }
    for (int k = 0; k < hard.length; k++) {
      hard[k] = dot(q.unit(i), n.unit(k)) / temperature;
      max = Math.max(max, hard[k]);
    }
    double sum = 0;
    for (int j = 0; j < b; j++) {
      sum += Math.exp(logits[offset + j] - max);
    }
    for (double h : hard) {
      sum += Math.exp(h - max);
    }
    double logSumExp = max + Math.log(sum);
    double positive = logits[offset + i];
    for (int j = 0; j < b; j++) {
      double l = logits[offset + j];
      logits[offset + j] = l == Double.NEGATIVE_INFINITY ? 0.0
          : (Math.exp(l - logSumExp) - (j == i ? 1.0 : 0.0)) / temperature;
    }
    for (int k = 0; k < hard.length; k++) {
      gn[k][0] = Math.exp(hard[k] - logSumExp) / temperature;
    }
    return logSumExp - positive;
  }

  /**
   * Turns the scalar held in {@code g[0]} (dL/dlogit / tau of a hard negative) into that
   * negative's gradient d/dn = scalar * q, in place, and returns the scalar for dL/dq.
   */
  private static double hardGradient(double[] g, double[] query) {
    double scalar = g[0];
    for (int k = 0; k < g.length; k++) {
      g[k] = scalar * query[k];
    }
    return scalar;
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
