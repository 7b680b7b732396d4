package io.embedspark.model.modules;

import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ScratchBuffers;
import io.embedspark.tokenize.TokenBatch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One inference pass over a token batch: the batch, its padding mask and the buffers the modules
 * work in. A batch without padding has no mask bias, and the modules skip masking.
 */
public final class InferencePass {
  static final double MASK_PENALTY = -1e9;

  final EncoderConfig config;
  final Weights weights;
  final ScratchBuffers buffers;
  final TokenBatch batch;
  final int n;
  final int t;
  final long rows;
  /** 1 for tokens, 0 for padding, [N*T, 1]. */
  final INDArray mask;
  /** (1 - mask) * -1e9 as [N, 1, 1, T], or null when nothing is padded. */
  final INDArray maskBias;

  InferencePass(EncoderConfig config, Weights weights, ScratchBuffers buffers, TokenBatch batch) {
    this.config = config;
    this.weights = weights;
    this.buffers = buffers;
    this.batch = batch;
    this.n = batch.size();
    this.t = batch.width();
    this.rows = (long) n * t;
    this.mask = Nd4j.createFromArray(batch.mask()).castTo(weights.dtype()).reshape(rows, 1);
    this.maskBias = padded() ? mask.rsub(1.0).muli(MASK_PENALTY).reshape(n, 1, 1, t) : null;
  }

  /** Whether any row of the batch is padded. */
  boolean padded() {
    return batch.realTokens() < rows;
  }

  /** A scratch buffer of this thread as a view of {@code shape}; its contents are garbage. */
  INDArray buffer(String key, long... shape) {
    return buffers.get(key, shape);
  }
}
