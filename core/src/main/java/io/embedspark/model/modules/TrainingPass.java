package io.embedspark.model.modules;

import io.embedspark.model.DropoutSites;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ScratchBuffers;
import io.embedspark.tokenize.TokenBatch;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training pass over a chunk: the chunk, its masks (padding and the dropout masks drawn from
 * the chunk's seed, {@link DropoutSites}), the buffers that keep activations between the forward
 * and the backward pass, and the gradient sums the backward pass adds to.
 */
public final class TrainingPass {
  final EncoderConfig config;
  final Weights weights;
  final ScratchBuffers buffers;
  final TokenBatch chunk;
  final int n;
  final int t;
  final long rows;
  /** 1 for tokens, 0 for padding, [N*T, 1]. */
  final INDArray mask;
  /** Real tokens per row, [N, 1]. */
  final INDArray lengths;
  /** (1 - mask) * -1e9 as [N, 1, 1, T], or null when nothing is padded. */
  final INDArray maskBias;
  private final Map<String, INDArray> dropout;
  private Map<String, INDArray> gradients;

  /**
   * @param dropoutConfig the config whose rates the dropout masks follow (rates zero: none)
   */
  TrainingPass(EncoderConfig config, EncoderConfig dropoutConfig, Weights weights,
      ScratchBuffers buffers, TokenBatch chunk, long seed) {
    this.config = config;
    this.weights = weights;
    this.buffers = buffers;
    this.chunk = chunk;
    this.n = chunk.size();
    this.t = chunk.width();
    this.rows = (long) n * t;
    this.mask = buffers.get("mask", rows, 1);
    mask.assign(Nd4j.createFromArray(chunk.mask()).castTo(weights.dtype()).reshape(rows, 1));
    this.lengths = mask.reshape(n, t).sum(true, 1);
    this.maskBias = chunk.realTokens() < rows
        ? mask.rsub(1.0).muli(InferencePass.MASK_PENALTY).reshape(n, 1, 1, t) : null;
    this.dropout = DropoutSites.masks(dropoutConfig, weights.dtype(), n, t, seed, buffers);
  }

  /** Sets the sums the next backward pass adds its gradients to, keyed by graph name. */
  void gradientsInto(Map<String, INDArray> sums) {
    this.gradients = sums;
  }

  /** The gradient sum of a parameter, created as zeros of its shape. */
  INDArray gradient(String graphName) {
    return gradients.computeIfAbsent(graphName,
        k -> Nd4j.zeros(weights.dtype(), weights.get(k).shape()));
  }

  /** A scratch buffer as a view of {@code shape}; its contents are garbage until written. */
  INDArray buffer(String key, long... shape) {
    return buffers.get(key, shape);
  }

  /** The dropout mask of a site, or null when the site drops nothing. */
  INDArray dropoutMask(String site) {
    return dropout.get(site);
  }

  /** Inverted dropout in place at {@code site}. */
  void applyDropout(String site, INDArray x) {
    INDArray m = dropout.get(site);
    if (m != null) {
      x.muli(m);
    }
  }

  /** The gradient through a dropout site: {@code grad} times its mask into {@code out}, or grad. */
  INDArray droppedGrad(String site, INDArray grad, INDArray out) {
    INDArray m = dropout.get(site);
    if (m == null) {
      return grad;
    }
    Nd4j.exec(new MulOp(grad, m, out));
    return out;
  }
}
