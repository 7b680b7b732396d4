package io.embedspark.gradcache;

import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.embed.LengthBuckets;
import io.embedspark.error.InvalidInputException;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.tokenize.TokenBatch;
import java.util.HashMap;
import java.util.List;
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
 * <p>Chunks are cut from the batch's sequences sorted by length ({@link #chunks}), so a chunk is
 * padded to little more than its own sequences: queries and passages differ several-fold in
 * length. Chunk c always draws its dropout masks from seed {@code seed + c}, so a distributed step
 * that runs the same chunks anywhere ({@link #embedChunk}, {@link #accumulateChunk}) computes the
 * same numbers.
 */
public final class GradientCache implements GradientStep {
  private final TrainableEncoder encoder;
  private final MatryoshkaLoss loss;
  private final int chunkSize;
  /** The gradient accumulators, zeroed and reused by every step. */
  private final Map<String, INDArray> sum = new HashMap<>();

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

  /**
   * The chunks of a batch: row indices of at most {@code chunkSize} sequences each, cut from the
   * rows sorted by length (ties by row), shortest first; a batch that fits in one chunk keeps its
   * order (one pass, whose padding sorting cannot change).
   */
  public static List<int[]> chunks(TokenBatch all, int chunkSize) {
    checkChunkSize(chunkSize);
    if (all.size() <= chunkSize) {
      return List.of(java.util.stream.IntStream.range(0, all.size()).toArray());
    }
    return LengthBuckets.plan(all.lengths(), Integer.MAX_VALUE, chunkSize);
  }

  /**
   * Runs the step. The gradients it returns live in accumulators this object reuses: they are
   * valid until the next step. The second pass goes from the last (longest) chunk to the first,
   * so an encoder that still holds the last chunk's activations from the first pass can skip its
   * forward pass.
   */
  @Override
  public Step step(ContrastiveTokens batch, long seed) {
    TokenBatch all = batch.sequences();
    List<int[]> chunks = chunks(all, chunkSize);
    List<TokenBatch> parts = chunks.stream().map(all::select).toList();
    double[][] embeddings = new double[all.size()][];
    for (int c = 0; c < chunks.size(); c++) {
      scatterRows(embedChunk(encoder, parts.get(c), seed + c), chunks.get(c), embeddings);
    }
    MatryoshkaLoss.Result result = loss.compute(EmbeddingLayout.toBatch(batch, embeddings));
    double[][] grad = EmbeddingLayout.toRows(batch, result.total());
    sum.values().forEach(g -> g.assign(0));
    for (int c = chunks.size() - 1; c >= 0; c--) {
      accumulateChunk(encoder, parts.get(c), gatherRows(grad, chunks.get(c)), seed + c, sum);
    }
    return new Step(result, sum);
  }

  /** Row i of {@code part} becomes row {@code rows[i]} of {@code target}. */
  public static void scatterRows(double[][] part, int[] rows, double[][] target) {
    for (int i = 0; i < rows.length; i++) {
      target[rows[i]] = part[i];
    }
  }

  /** The given rows of {@code all}, in that order. */
  public static double[][] gatherRows(double[][] all, int[] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = all[rows[i]];
    }
    return out;
  }

  /** Embeddings of one chunk without gradients, one row per sequence. */
  public static double[][] embedChunk(TrainableEncoder encoder, TokenBatch chunk, long seed) {
    try (INDArray e = encoder.embed(chunk, seed)) {
      return e.castTo(DataType.DOUBLE).toDoubleMatrix();
    }
  }

  /**
   * Back-propagates dL/dE of one chunk's rows (same order as the chunk), adding the parameter
   * gradients into {@code sum}.
   *
   * @param seed the seed the chunk was embedded with
   */
  public static void accumulateChunk(TrainableEncoder encoder, TokenBatch chunk, double[][] grad,
      long seed, Map<String, INDArray> sum) {
    try (INDArray g = Nd4j.createFromArray(grad)) {
      encoder.accumulateGradients(chunk, g, seed, sum);
    }
  }
}
