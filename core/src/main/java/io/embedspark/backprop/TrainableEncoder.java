package io.embedspark.backprop;

import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenBatch;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder as the gradient cache drives it: embed a chunk without keeping anything, then
 * re-run the same chunk (same dropout masks, drawn from the same seed) and back-propagate cached
 * embedding gradients into parameter gradients. Gradients and parameters are keyed by graph
 * variable name ({@link ModelParameters#graphName}; the embedding tables by their own name).
 *
 * <p>Two implementations compute the same numbers: {@link ManualBackprop} (hand-derived backward
 * pass on reused buffers, the fast one trainers use) and {@link TrainingGraph} (SameDiff's
 * automatic differentiation, kept as the reference the first is tested against).
 */
public interface TrainableEncoder {
  /** Loads parameters. */
  void load(ModelParameters parameters);

  /** The current parameters. */
  ModelParameters parameters();

  /** The live array of a parameter, for optimisers that update in place. */
  INDArray array(String graphName);

  /** Embeddings of a chunk, [N, outputDim], with the dropout masks drawn from {@code seed}. */
  INDArray embed(TokenBatch chunk, long seed);

  /**
   * Back-propagates dL/dE of a chunk's rows and adds the chunk's dL/dtheta into {@code sum},
   * creating missing entries.
   *
   * @param seed the seed of the chunk's {@link #embed} call, so dropout masks match
   */
  void accumulateGradients(TokenBatch chunk, INDArray embeddingGrad, long seed,
      Map<String, INDArray> sum);

  EncoderConfig config();

  DataType dtype();
}
