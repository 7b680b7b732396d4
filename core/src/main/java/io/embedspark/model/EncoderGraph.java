package io.embedspark.model;

import static io.embedspark.model.ParameterNames.EMBEDDINGS_LN;
import static io.embedspark.model.ParameterNames.POSITION_EMBEDDINGS;
import static io.embedspark.model.ParameterNames.PROJECTION;
import static io.embedspark.model.ParameterNames.TOKEN_TYPE_EMBEDDINGS;
import static io.embedspark.model.ParameterNames.WORD_EMBEDDINGS;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the embedding model as a SameDiff graph: BERT embeddings and transformer layers (Devlin
 * et al. 2019, arXiv 1810.04805; post-layer-norm, exact erf GELU), masked mean pooling, a linear
 * projection and L2 normalisation, as in Gemini Embedding (Lee et al. 2025, arXiv 2503.07891).
 *
 * <p>Inputs are the placeholders {@value #INPUT_IDS}, {@value #POSITION_IDS},
 * {@value #TOKEN_TYPE_IDS} (int32, [N, T]) and {@value #ATTENTION_MASK} ([N, T], 1 for tokens,
 * 0 for padding). The output {@value #EMBEDDING} is [N, outputDim] with unit rows.
 *
 * <p>SameDiff's gather back-propagation is wrong for repeated ids and cannot be built for three
 * tables in one graph, so a training graph has no embedding tables: its input is the variable
 * {@value #EMBEDDING_INPUT} [N, T, H], the sum of the word, position and type embeddings, which the
 * trainer looks up itself; the gradient of that variable, summed per id, is each table's gradient.
 * An inference graph holds the tables as constants and gathers from them.
 * Linear layers hold {@code <name>.kernel} as [in, out] (the transpose of the PyTorch weight).
 */
public final class EncoderGraph {
  public static final String INPUT_IDS = "input_ids";
  public static final String POSITION_IDS = "position_ids";
  public static final String TOKEN_TYPE_IDS = "token_type_ids";
  public static final String ATTENTION_MASK = "attention_mask";
  public static final String EMBEDDING_INPUT = "embedding_input";
  public static final String POOLED = "pooled";
  public static final String EMBEDDING = "embedding";
  private static final double NORM_EPS = 1e-24;
  private static final double MASK_PENALTY = -1e9;

  private final EncoderConfig config;
  private final DataType dtype;
  private final boolean training;
  private final SameDiff sd = SameDiff.create();
  private SDVariable mask;
  private SDVariable nt;

  private EncoderGraph(EncoderConfig config, DataType dtype, boolean training) {
    this.config = config;
    this.dtype = dtype;
    this.training = training;
  }

  /**
   * Builds the graph with parameters of the right shapes filled with zeros; load real values
   * with {@link ModelParameters#copyInto(SameDiff)}.
   *
   * @param training whether to apply dropout (inference graphs never do)
   */
  public static SameDiff build(EncoderConfig config, DataType dtype, boolean training) {
    EncoderGraph g = new EncoderGraph(config, dtype, training);
    g.define();
    return g.sd;
  }

  private void define() {
    mask = sd.placeHolder(ATTENTION_MASK, dtype, -1, -1);
    nt = mask.shape().castTo(DataType.LONG);
    SDVariable x = training ? trainingInput() : embeddings();
    for (int i = 0; i < config.numLayers(); i++) {
      x = layer(i, x);
    }
    SDVariable pooled = meanPool(x).rename(POOLED);
    SDVariable projected = linear(PROJECTION, pooled, config.hiddenSize(), config.outputDim());
    l2Normalize(projected).rename(EMBEDDING);
  }

  /** The embedding sum as a variable the trainer sets per chunk, then layer norm and dropout. */
  private SDVariable trainingInput() {
    SDVariable sum = sd.var(EMBEDDING_INPUT, Nd4j.zeros(dtype, 1, 1, config.hiddenSize()));
    return dropout(DropoutSites.embeddings(), layerNorm(EMBEDDINGS_LN,
        sum.reshape(-1, config.hiddenSize())), config.hiddenDropout());
  }

  private SDVariable embeddings() {
    SDVariable ids = sd.placeHolder(INPUT_IDS, DataType.INT, -1, -1);
    SDVariable positions = sd.placeHolder(POSITION_IDS, DataType.INT, -1, -1);
    SDVariable types = sd.placeHolder(TOKEN_TYPE_IDS, DataType.INT, -1, -1);
    SDVariable words = lookup(WORD_EMBEDDINGS, ids, config.vocabSize());
    SDVariable pos = lookup(POSITION_EMBEDDINGS, positions, config.maxPositions());
    SDVariable typ = lookup(TOKEN_TYPE_EMBEDDINGS, types, config.typeVocabSize());
    SDVariable sum = words.add(pos).add(typ).reshape(-1, config.hiddenSize());
    return layerNorm(EMBEDDINGS_LN, sum);
  }

  private SDVariable lookup(String table, SDVariable ids, int rows) {
    SDVariable t = sd.constant(table, Nd4j.zeros(dtype, rows, config.hiddenSize()));
    return sd.gather(t, ids, 0);
  }

  /** One post-LN transformer layer on [N*T, H] rows. */
  private SDVariable layer(int i, SDVariable x) {
    int h = config.hiddenSize();
    SDVariable attn = attention(i, x);
    SDVariable attnOut = dropout(DropoutSites.attentionOutput(i),
        linear(ParameterNames.attentionOutput(i), attn, h, h),
        config.hiddenDropout());
    SDVariable x1 = layerNorm(ParameterNames.attentionLayerNorm(i), attnOut.add(x));
    SDVariable inter = gelu(linear(ParameterNames.intermediate(i), x1, h,
        config.intermediateSize()));
    SDVariable out = dropout(DropoutSites.output(i),
        linear(ParameterNames.output(i), inter, config.intermediateSize(), h),
        config.hiddenDropout());
    return layerNorm(ParameterNames.outputLayerNorm(i), out.add(x1));
  }

  /** Scaled dot-product self-attention with a padding mask; input and output [N*T, H]. */
  private SDVariable attention(int i, SDVariable x) {
    int h = config.hiddenSize();
    SDVariable q = heads(linear(ParameterNames.query(i), x, h, h)).permute(0, 2, 1, 3);
    SDVariable k = heads(linear(ParameterNames.key(i), x, h, h)).permute(0, 2, 3, 1);
    SDVariable v = heads(linear(ParameterNames.value(i), x, h, h)).permute(0, 2, 1, 3);
    SDVariable scores = sd.mmul(q, k).mul(1.0 / Math.sqrt(config.headSize()));
    SDVariable bias = sd.expandDims(sd.expandDims(mask.rsub(1.0).mul(MASK_PENALTY), 1), 1);
    SDVariable probs = dropout(DropoutSites.attentionProbs(i), sd.nn.softmax(scores.add(bias), 3),
        config.attentionDropout());
    SDVariable context = sd.mmul(probs, v).permute(0, 2, 1, 3);
    return context.reshape(-1, h);
  }

  /** [N*T, H] to [N, T, heads, headSize]. */
  private SDVariable heads(SDVariable x) {
    SDVariable shape = sd.concat(0, nt,
        sd.constant(Nd4j.createFromArray((long) config.numHeads(), (long) config.headSize())));
    return x.reshape(shape);
  }

  /** Masked mean over tokens: sum(h * mask) / sum(mask), [N*T, H] to [N, H]. */
  private SDVariable meanPool(SDVariable x) {
    SDVariable shape = sd.concat(0, nt,
        sd.constant(Nd4j.createFromArray((long) config.hiddenSize())));
    SDVariable states = x.reshape(shape);
    SDVariable weights = sd.expandDims(mask, 2);
    SDVariable summed = states.mul(weights).sum(1);
    return summed.div(mask.sum(true, 1));
  }

  /** x * rsqrt(sum(x^2) + eps): exact gradients for any batch size (see DL4J notes). */
  private SDVariable l2Normalize(SDVariable x) {
    SDVariable sq = x.mul(x).sum(true, 1).add(NORM_EPS);
    return x.mul(sd.math.rsqrt(sq));
  }

  private SDVariable linear(String name, SDVariable x, int in, int out) {
    SDVariable kernel = sd.var(name + ".kernel", Nd4j.zeros(dtype, in, out));
    SDVariable bias = sd.var(name + ".bias", Nd4j.zeros(dtype, out));
    return sd.nn.linear(x, kernel, bias);
  }

  /** Layer norm over the last dimension, eps inside the square root (as BERT). */
  private SDVariable layerNorm(String name, SDVariable x) {
    SDVariable gain = sd.var(name + ".weight", Nd4j.ones(dtype, config.hiddenSize()));
    SDVariable bias = sd.var(name + ".bias", Nd4j.zeros(dtype, config.hiddenSize()));
    SDVariable centred = x.sub(x.mean(true, 1));
    SDVariable variance = centred.mul(centred).mean(true, 1);
    SDVariable normed = centred.mul(sd.math.rsqrt(variance.add(config.layerNormEps())));
    return normed.mul(gain).add(bias);
  }

  /** GELU with the exact erf form, 0.5 x (1 + erf(x / sqrt 2)), as BERT and Hugging Face. */
  private SDVariable gelu(SDVariable x) {
    SDVariable cdf = sd.math.erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0).mul(0.5);
    return x.mul(cdf);
  }

  /**
   * Inverted dropout with the mask fed as a placeholder ({@link DropoutSites}): SameDiff's own
   * dropout op cannot be differentiated, and a mask the trainer draws from a seed is replayed
   * exactly between the gradient cache's two passes.
   */
  private SDVariable dropout(String site, SDVariable x, double rate) {
    if (!training || rate == 0.0) {
      return x;
    }
    long[] shape = new long[DropoutSites.rank(site)];
    java.util.Arrays.fill(shape, -1);
    return x.mul(sd.placeHolder(site, dtype, shape));
  }
}
