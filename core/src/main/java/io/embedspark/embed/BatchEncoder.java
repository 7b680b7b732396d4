package io.embedspark.embed;

import io.embedspark.tokenize.TokenBatch;

/**
 * An inference engine: the unit-length embeddings of a token batch, row i for sequence i. The
 * ND4J pass ({@code EmbeddingModel::embedRows}) and ONNX Runtime
 * ({@code io.embedspark.onnx.OnnxRuntimeEncoder}) both implement it.
 */
@FunctionalInterface
public interface BatchEncoder {
  float[][] embed(TokenBatch batch);
}
