package io.embedspark.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a training graph applies dropout (Srivastava et al. 2014), as in BERT: after the
 * embedding layer norm, on the attention probabilities, after the attention output projection and
 * after the feed-forward output. Each site is a placeholder holding an inverted-dropout mask (0 or
 * 1/keep) that {@link #masks} draws from a seed, so two passes over the same chunk with the same
 * seed drop the same units.
 */
public final class DropoutSites {
  private static final String PREFIX = "dropout.";

  private DropoutSites() {}

  public static String embeddings() {
    return PREFIX + "embeddings";
  }

  public static String attentionProbs(int layer) {
    return PREFIX + "layer." + layer + ".attention_probs";
  }

  public static String attentionOutput(int layer) {
    return PREFIX + "layer." + layer + ".attention_output";
  }

  public static String output(int layer) {
    return PREFIX + "layer." + layer + ".output";
  }

  /** Rank of a site's mask: 4 ([N, heads, T, T]) for attention probabilities, else 2. */
  public static int rank(String site) {
    return site.endsWith("attention_probs") ? 4 : 2;
  }

  /**
   * The masks of every site for a chunk of {@code n} sequences of {@code t} tokens, drawn in a
   * fixed order from ND4J's generator seeded with {@code seed}. Empty without dropout.
   */
  public static Map<String, INDArray> masks(EncoderConfig c, DataType dtype, int n, int t,
      long seed) {
    return masks(c, dtype, n, t, seed, new ScratchBuffers(dtype));
  }

  /**
   * As above, each mask written in place into {@code buffers} (the buffer of its site's name), so
   * a chunk draws its masks without allocating: with attention dropout a chunk of 32 sequences of
   * 128 tokens has about 25 MB of mask per layer.
   */
  public static Map<String, INDArray> masks(EncoderConfig c, DataType dtype, int n, int t,
      long seed, ScratchBuffers buffers) {
    Map<String, INDArray> masks = new LinkedHashMap<>();
    if (c.hiddenDropout() == 0 && c.attentionDropout() == 0) {
      return masks;
    }
    Nd4j.getRandom().setSeed(seed);
    long[] hidden = {(long) n * t, c.hiddenSize()};
    long[] probs = {n, c.numHeads(), t, t};
    put(masks, embeddings(), c.hiddenDropout(), hidden, buffers);
    for (int i = 0; i < c.numLayers(); i++) {
      put(masks, attentionProbs(i), c.attentionDropout(), probs, buffers);
      put(masks, attentionOutput(i), c.hiddenDropout(), hidden, buffers);
      put(masks, output(i), c.hiddenDropout(), hidden, buffers);
    }
    return masks;
  }

  /** Inverted dropout: 1 / keep where a uniform draw u < keep, else 0. */
  private static void put(Map<String, INDArray> masks, String site, double rate, long[] shape,
      ScratchBuffers buffers) {
    if (rate == 0) {
      return;
    }
    double keep = 1.0 - rate;
    INDArray mask = buffers.get(site, shape);
    Nd4j.getExecutioner().exec(new UniformDistribution(mask, 0.0, 1.0), Nd4j.getRandom());
    mask.rsubi(keep); // keep - u > 0 exactly where u < keep
    Nd4j.exec(new Step(mask, mask));
    mask.muli(1.0 / keep);
    masks.put(site, mask);
  }
}
