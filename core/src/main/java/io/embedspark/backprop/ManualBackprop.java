package io.embedspark.backprop;

import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.modules.TrainingPipeline;
import io.embedspark.model.modules.Weights;
import io.embedspark.tokenize.TokenBatch;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder's forward and backward pass derived by hand, module by module ({@link
 * TrainingPipeline}), on in-place ND4J operations and buffers reused across chunks and steps. It
 * computes what {@link TrainingGraph} computes with SameDiff's automatic differentiation, tested
 * against it to 1e-9 in double precision, several times faster: SameDiff's gradient pass gives
 * every op fresh zeroed native memory (see docs/BENCHMARKS.md).
 *
 * <p>When the backward pass follows the embedding pass of the same chunk and seed (the gradient
 * cache's last chunk), the kept activations are used as they are instead of running the forward
 * pass again.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class ManualBackprop implements TrainableEncoder {
  private final EncoderConfig config;
  private final DataType dtype;
  private final TrainingPipeline pipeline;
  private Weights weights;
  /** The chunk and seed of the last forward pass, whose activations the buffers hold. */
  private TokenBatch lastChunk;
  private long lastSeed;

  public ManualBackprop(EncoderConfig config, DataType dtype, boolean dropout) {
    this.config = config;
    this.dtype = dtype;
    this.pipeline = new TrainingPipeline(config, dtype, dropout);
    this.weights = Weights.empty(dtype);
  }

  @Override
  public void load(ModelParameters parameters) {
    lastChunk = null;
    weights = Weights.of(parameters, dtype);
  }

  @Override
  public ModelParameters parameters() {
    return weights.parameters(config);
  }

  /** The live array of a parameter, or null before it is loaded. */
  @Override
  public INDArray array(String graphName) {
    lastChunk = null; // the caller may change it: kept activations are stale
    return weights.find(graphName);
  }

  /**
   * Frees this encoder's native memory now rather than when the collector reaches it: its
   * buffers (a chunk's activations, a gigabyte for 32 sequences of 128 tokens of a 6 x 384
   * encoder) and its parameter arrays. For an executor's replica, which owns every array it holds;
   * the encoder is not used after.
   */
  public void release() {
    lastChunk = null;
    pipeline.freeBuffers();
    weights.close();
  }

  /**
   * Replaces a parameter's array with {@code value} itself (no copy): an executor replica holds
   * the word-embedding table cut to the rows its batch touches, and gets the batch's ids mapped to
   * positions among those rows. The table gradient then comes out cut the same way.
   */
  public void replace(String graphName, INDArray value) {
    lastChunk = null;
    weights.put(graphName, value);
  }

  @Override
  public INDArray embed(TokenBatch chunk, long seed) {
    return forward(chunk, seed).dup();
  }

  @Override
  public void accumulateGradients(TokenBatch chunk, INDArray embeddingGrad, long seed,
      Map<String, INDArray> sum) {
    if (!sameAsLastForward(chunk, seed)) {
      forward(chunk, seed);
    }
    lastChunk = null;
    pipeline.backward(embeddingGrad.castTo(dtype), sum);
  }

  /**
   * Whether the buffers still hold the activations of {@code chunk}'s forward pass with
   * {@code seed}, so a backward pass of it would skip its forward pass.
   */
  public boolean holdsActivationsOf(TokenBatch chunk, long seed) {
    return sameAsLastForward(chunk, seed);
  }

  private boolean sameAsLastForward(TokenBatch chunk, long seed) {
    return lastChunk != null && seed == lastSeed && lastChunk.width() == chunk.width()
        && Arrays.equals(lastChunk.ids(), chunk.ids())
        && Arrays.equals(lastChunk.lengths(), chunk.lengths());
  }

  /** Runs the forward pass, keeping activations; returns the unit embeddings (a buffer view). */
  private INDArray forward(TokenBatch chunk, long seed) {
    lastChunk = null; // set again only once the activations are complete
    INDArray embedding = pipeline.forward(weights, chunk, seed);
    lastChunk = chunk;
    lastSeed = seed;
    return embedding;
  }

  @Override
  public EncoderConfig config() {
    return config;
  }

  @Override
  public DataType dtype() {
    return dtype;
  }
}
