package io.embedspark.model.modules;

import io.embedspark.model.DropoutSites;
import io.embedspark.model.EncoderConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What modules share while defining themselves in a SameDiff graph: the graph, the attention
 * mask placeholder and the building blocks (linear, layer norm, GELU, dropout) every module
 * writes the same way. Parameters are variables filled with zeros (or ones for layer-norm gains)
 * until real values are copied in.
 */
public final class GraphBuilder {
  public static final String ATTENTION_MASK = "attention_mask";

  final SameDiff sd;
  final EncoderConfig config;
  final DataType dtype;
  /** Whether dropout sites become mask placeholders (inference graphs never drop). */
  final boolean training;
  /** 1 for tokens, 0 for padding, [N, T]. */
  final SDVariable mask;
  /** The shape [N, T] as a long vector. */
  final SDVariable nt;

  GraphBuilder(SameDiff sd, EncoderConfig config, DataType dtype, boolean training) {
    this.sd = sd;
    this.config = config;
    this.dtype = dtype;
    this.training = training;
    this.mask = sd.placeHolder(ATTENTION_MASK, dtype, -1, -1);
    this.nt = mask.shape().castTo(DataType.LONG);
  }

  /** x K + b with the kernel {@code <name>.kernel} [in, out] and bias {@code <name>.bias}. */
  SDVariable linear(String name, SDVariable x, int in, int out) {
    SDVariable kernel = sd.var(name + ".kernel", Nd4j.zeros(dtype, in, out));
    SDVariable bias = sd.var(name + ".bias", Nd4j.zeros(dtype, out));
    return sd.nn.linear(x, kernel, bias);
  }

  /** Layer norm over the last dimension, eps inside the square root (as BERT). */
  SDVariable layerNorm(String name, SDVariable x) {
    SDVariable gain = sd.var(name + ".weight", Nd4j.ones(dtype, config.hiddenSize()));
    SDVariable bias = sd.var(name + ".bias", Nd4j.zeros(dtype, config.hiddenSize()));
    SDVariable centred = x.sub(x.mean(true, 1));
    SDVariable variance = centred.mul(centred).mean(true, 1);
    SDVariable normed = centred.mul(sd.math.rsqrt(variance.add(config.layerNormEps())));
    return normed.mul(gain).add(bias);
  }

  /** GELU with the exact erf form, 0.5 x (1 + erf(x / sqrt 2)), as BERT and Hugging Face. */
  SDVariable gelu(SDVariable x) {
    SDVariable cdf = sd.math.erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0).mul(0.5);
    return x.mul(cdf);
  }

  /**
   * Inverted dropout with the mask fed as a placeholder ({@link DropoutSites}): SameDiff's own
   * dropout op cannot be differentiated, and a mask the trainer draws from a seed is replayed
   * exactly between the gradient cache's two passes.
   */
  SDVariable dropout(String site, SDVariable x, double rate) {
    if (!training || rate == 0.0) {
      return x;
    }
    long[] shape = new long[DropoutSites.rank(site)];
    java.util.Arrays.fill(shape, -1);
    return x.mul(sd.placeHolder(site, dtype, shape));
  }

  /** [N*T, width] rows as [N, T, width]. */
  SDVariable perSequence(SDVariable rows, long... width) {
    return rows.reshape(sd.concat(0, nt, sd.constant(Nd4j.createFromArray(width))));
  }
}
