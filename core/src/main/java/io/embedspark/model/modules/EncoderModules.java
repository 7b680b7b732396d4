package io.embedspark.model.modules;

import io.embedspark.model.EncoderConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder's modules in order: token embeddings, the transformer layers, pooling, the dense
 * projection and L2 normalisation. The one place the pipeline is assembled; the inference pass,
 * the training pass, the SameDiff graph and a bundle's module list all follow it.
 */
public final class EncoderModules {
  private EncoderModules() {}

  public static List<EncoderModule> of(EncoderConfig config) {
    List<EncoderModule> modules = new ArrayList<>();
    modules.add(new TokenEmbeddings(config));
    for (int i = 0; i < config.numLayers(); i++) {
      modules.add(new TransformerLayer(config, i));
    }
    modules.add(new TokenPooling(config));
    modules.add(new Projection(config));
    modules.add(new L2Normalize());
    return List.copyOf(modules);
  }

  /** The modules as a bundle's {@code config.json} lists them. */
  public static List<ModuleSpec> specs(EncoderConfig config) {
    return of(config).stream().map(EncoderModule::spec).toList();
  }

  /** Index of the pooling module in {@link #of}: its output is the pooled states. */
  static int poolingIndex(EncoderConfig config) {
    return config.numLayers() + 1;
  }
}
