package io.embedspark.model.modules;

import io.embedspark.model.EncoderConfig;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The modules' SameDiff definitions in order, one graph: the reference whose automatic gradients
 * the hand-derived backward passes are tested against. The pooled states are named {@value
 * #POOLED}, the unit embeddings {@value #EMBEDDING}.
 */
public final class GraphPipeline {
  public static final String POOLED = "pooled";
  public static final String EMBEDDING = "embedding";

  private GraphPipeline() {}

  /**
   * Defines every module in {@code sd}, parameters filled with zeros (layer-norm gains with
   * ones).
   *
   * @param training whether dropout sites become mask placeholders and the token embeddings an
   *     input variable (see {@link TokenEmbeddings})
   */
  public static void define(SameDiff sd, EncoderConfig config, DataType dtype, boolean training) {
    GraphBuilder g = new GraphBuilder(sd, config, dtype, training);
    List<EncoderModule> modules = EncoderModules.of(config);
    int pooling = EncoderModules.poolingIndex(config);
    SDVariable x = null;
    for (int i = 0; i < modules.size(); i++) {
      x = modules.get(i).define(g, x);
      if (i == pooling) {
        x = x.rename(POOLED);
      }
    }
    x.rename(EMBEDDING);
  }
}
