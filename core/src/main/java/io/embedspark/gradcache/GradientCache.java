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
 *
 * <p>The two passes are also offered per range of chunks ({@link #embedChunks},
 * {@link #accumulateChunks}), so that a distributed step can run each executor's share of the
 * chunks with exactly the chunk boundaries and dropout seeds of this one: chunk c always uses seed
 * {@code seed + c}.
 */
public final class GradientCache implements GradientStep {
  private final TrainableEncoder encoder;
  private final MatryoshkaLoss loss;
  private final int chunkSize;

  public GradientCache(TrainableEncoder encoder, MatryoshkaLoss loss, int chunkSize) {
    checkChunkSize(chunkSize);
    this.encoder = encoder;
    this.loss = loss;
    this.chunkSize = chunkSize;
  }

  static void checkChunkSize(int chunkSize) {
    if (chunkSize <= 0) {
      throw new InvalidInputException("train.chunk_size = " + chunkSize + " must be positive");
    }
  }

  /** Number of chunks of {@code chunkSize} rows that cover {@code rows} rows. */
  public static int chunkCount(int rows, int chunkSize) {
    return (rows + chunkSize - 1) / chunkSize;
  }

  /**
   * Runs the step. The second pass goes from the last chunk to the first, so an encoder that
   * still holds the last chunk's activations from the first pass can skip its forward pass.
   */
  @Override
  public Step step(ContrastiveTokens batch, long seed) {
    TokenBatch all = batch.sequences();
    int chunks = chunkCount(all.size(), chunkSize);
    double[][] embeddings = embedChunks(encoder, all, chunkSize, 0, chunks, seed);
    MatryoshkaLoss.Result result = loss.compute(EmbeddingLayout.toBatch(batch, embeddings));
    double[][] grad = EmbeddingLayout.toRows(batch, result.total());
    Map<String, INDArray> sum = new HashMap<>();
    accumulateChunks(encoder, all, grad, chunkSize, 0, chunks, seed, sum);
    return new Step(result, sum);
  }

  /**
   * Embeddings of the rows of chunks [fromChunk, toChunk), in row order.
   *
   * @return one row per sequence of those chunks
   */
  public static double[][] embedChunks(TrainableEncoder encoder, TokenBatch all, int chunkSize,
      int fromChunk, int toChunk, long seed) {
    int first = fromChunk * chunkSize;
    int end = Math.min(all.size(), toChunk * chunkSize);
    double[][] out = new double[Math.max(0, end - first)][];
    for (int c = fromChunk; c < toChunk; c++) {
      int from = c * chunkSize;
      INDArray e = encoder.embed(all.slice(from, Math.min(all.size(), from + chunkSize)),
          seed + c).castTo(DataType.DOUBLE);
      for (int i = 0; i < e.rows(); i++) {
        out[from - first + i] = e.getRow(i).toDoubleVector();
      }
    }
    return out;
  }

  /**
   * Back-propagates dL/dE through chunks [fromChunk, toChunk), last chunk first, adding the
   * parameter gradients into {@code sum}.
   *
   * @param grad dL/dE of the rows of those chunks, in row order (row 0 is the first chunk's first)
   */
  public static void accumulateChunks(TrainableEncoder encoder, TokenBatch all, double[][] grad,
      int chunkSize, int fromChunk, int toChunk, long seed, Map<String, INDArray> sum) {
    int first = fromChunk * chunkSize;
    for (int c = toChunk - 1; c >= fromChunk; c--) {
      int from = c * chunkSize;
      int to = Math.min(all.size(), from + chunkSize);
      INDArray g = Nd4j.createFromArray(java.util.Arrays.copyOfRange(grad, from - first,
          to - first));
      encoder.accumulateGradients(all.slice(from, to), g, seed + c, sum);
    }
  }
}
