package io.embedspark.io;

import io.embedspark.model.Pooling;
import java.util.List;

/**
 * How an imported encoder is completed into an embedding model.
 *
 * @param outputDim projection size; 0 for the encoder's hidden size
 * @param matryoshkaDims nested sizes; empty for just {@code outputDim}
 * @param maxSequenceLength tokens per text, capped at the model's positions
 * @param projection how the projection is initialised
 * @param seed seed of a random projection
 * @param numHeads attention heads where the checkpoint does not record them (TensorFlow BERT);
 *     0 infers BERT's 64-wide heads
 * @param pooling the pooling to give the model; null keeps the source's own (the pooling a
 *     sentence-transformers directory or a named model declares, else mean)
 */
public record ImportOptions(int outputDim, List<Integer> matryoshkaDims, int maxSequenceLength,
    ProjectionInit projection, long seed, int numHeads, Pooling pooling) {

  /** Options that keep the source's pooling. */
  public ImportOptions(int outputDim, List<Integer> matryoshkaDims, int maxSequenceLength,
      ProjectionInit projection, long seed, int numHeads) {
    this(outputDim, matryoshkaDims, maxSequenceLength, projection, seed, numHeads, null);
  }

  /** Options that infer the number of heads. */
  public ImportOptions(int outputDim, List<Integer> matryoshkaDims, int maxSequenceLength,
      ProjectionInit projection, long seed) {
    this(outputDim, matryoshkaDims, maxSequenceLength, projection, seed, 0);
  }
}
