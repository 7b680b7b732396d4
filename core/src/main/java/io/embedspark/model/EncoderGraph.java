package io.embedspark.model;

import io.embedspark.model.modules.GraphBuilder;
import io.embedspark.model.modules.GraphPipeline;
import io.embedspark.model.modules.TokenEmbeddings;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The embedding model as a SameDiff graph, each module defined by itself ({@link
 * GraphPipeline}): BERT embeddings and transformer layers (Devlin et al. 2019, arXiv 1810.04805;
 * post-layer-norm, exact erf GELU), pooling, a linear projection and L2 normalisation, as in
 * Gemini Embedding (Lee et al. 2025, arXiv 2503.07891).
 *
 * <p>Inputs are the placeholders {@value #INPUT_IDS}, {@value #POSITION_IDS},
 * {@value #TOKEN_TYPE_IDS} (int32, [N, T]) and {@value #ATTENTION_MASK} ([N, T], 1 for tokens,
 * 0 for padding). The output {@value #EMBEDDING} is [N, outputDim] with unit rows. A training
 * graph has no embedding tables: its input is the variable {@value #EMBEDDING_INPUT} (see
 * {@link TokenEmbeddings}). Linear layers hold {@code <name>.kernel} as [in, out] (the transpose
 * of the PyTorch weight).
 */
public final class EncoderGraph {
  public static final String INPUT_IDS = TokenEmbeddings.INPUT_IDS;
  public static final String POSITION_IDS = TokenEmbeddings.POSITION_IDS;
  public static final String TOKEN_TYPE_IDS = TokenEmbeddings.TOKEN_TYPE_IDS;
  public static final String ATTENTION_MASK = GraphBuilder.ATTENTION_MASK;
  public static final String EMBEDDING_INPUT = TokenEmbeddings.EMBEDDING_INPUT;
  public static final String POOLED = GraphPipeline.POOLED;
  public static final String EMBEDDING = GraphPipeline.EMBEDDING;

  private EncoderGraph() {}

  /**
   * Builds the graph with parameters of the right shapes filled with zeros; load real values
   * with {@link ModelParameters#copyInto(SameDiff)}.
   *
   * @param training whether to apply dropout (inference graphs never do)
   */
  public static SameDiff build(EncoderConfig config, DataType dtype, boolean training) {
    SameDiff sd = SameDiff.create();
    GraphPipeline.define(sd, config, dtype, training);
    return sd;
  }
}
