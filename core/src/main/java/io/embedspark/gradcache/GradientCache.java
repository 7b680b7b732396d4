package io.embedspark.gradcache;

import io.embedspark.error.InvalidInputException;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.tokenize.TokenBatch;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One gradient-cache step on one machine (Gao et al. 2021, arXiv 2101.06983): embed every
 * sequence of a contrastive batch in chunks of {@code chunkSize} without gradients, compute the
 * Matryoshka NCE loss and dL/dE over the whole batch, then re-run each chunk with gradients,
 * back-propagate its rows of dL/dE and sum the parameter gradients. The result equals the gradient
 * of the loss computed in one graph over the whole batch; memory is bounded by the chunk.
 */
public final class GradientCache {
  private final TrainableEncoder encoder;
  private final MatryoshkaLoss loss;
  private final int chunkSize;

  /** The loss of a step and the parameter gradients, keyed by graph variable name. */
  public record Step(MatryoshkaLoss.Result loss, Map<String, INDArray> gradients) {}

  public GradientCache(TrainableEncoder encoder, MatryoshkaLoss loss, int chunkSize) {
    if (chunkSize <= 0) {
      throw new InvalidInputException("train.chunkSize = " + chunkSize + " must be positive");
    }
    this.encoder = encoder;
    this.loss = loss;
    this.chunkSize = chunkSize;
  }

  /**
   * Runs the step. Chunk c uses seed {@code seed + c} in both passes so dropout masks match. The
   * second pass goes from the last chunk to the first, so an encoder that still holds the last
   * chunk's activations from the first pass can skip its forward pass.
   */
  public Step step(ContrastiveTokens batch, long seed) {
    TokenBatch all = batch.sequences();
    int rows = all.size();
    double[][] embeddings = new double[rows][];
    for (int from = 0, c = 0; from < rows; from += chunkSize, c++) {
      INDArray e = encoder.embed(all.slice(from, Math.min(rows, from + chunkSize)), seed + c)
          .castTo(DataType.DOUBLE);
      for (int i = 0; i < e.rows(); i++) {
        embeddings[from + i] = e.getRow(i).toDoubleVector();
      }
    }
    MatryoshkaLoss.Result result = loss.compute(EmbeddingLayout.toBatch(batch, embeddings));
    double[][] grad = EmbeddingLayout.toRows(batch, result.total());
    Map<String, INDArray> sum = new HashMap<>();
    int chunks = (rows + chunkSize - 1) / chunkSize;
    for (int c = chunks - 1; c >= 0; c--) {
      int from = c * chunkSize;
      int to = Math.min(rows, from + chunkSize);
      INDArray g = Nd4j.createFromArray(java.util.Arrays.copyOfRange(grad, from, to));
      encoder.accumulateGradients(all.slice(from, to), g, seed + c, sum);
    }
    return new Step(result, sum);
  }
}
