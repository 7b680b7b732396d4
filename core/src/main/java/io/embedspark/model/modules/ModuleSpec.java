package io.embedspark.model.modules;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A module as a bundle's {@code config.json} lists it, e.g. {@code {"type": "pooling", "mode":
 * "cls"}}. Settings a module does not have are absent.
 *
 * @param type {@code token_embeddings}, {@code transformer_layer}, {@code pooling}, {@code dense}
 *     or {@code normalize}
 * @param layer the index of a transformer layer
 * @param mode the pooling mode
 * @param inFeatures the input width of a dense module
 * @param outFeatures the output width of a dense module
 * @param positionOffset the first position id of token embeddings, when not 0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModuleSpec(String type, Integer layer, String mode, Integer inFeatures,
    Integer outFeatures, Integer positionOffset) {

  public ModuleSpec(String type, Integer layer, String mode, Integer inFeatures,
      Integer outFeatures) {
    this(type, layer, mode, inFeatures, outFeatures, null);
  }

  public static ModuleSpec of(String type) {
    return new ModuleSpec(type, null, null, null, null, null);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.valueOf(type));
    if (layer != null) {
      b.append(" ").append(layer);
    }
    if (mode != null) {
      b.append(" (").append(mode).append(")");
    }
    if (positionOffset != null) {
      b.append(" (positions from ").append(positionOffset).append(")");
    }
    if (inFeatures != null) {
      b.append(" ").append(inFeatures).append(" -> ").append(outFeatures);
    }
    return b.toString();
  }
}
