package io.embedspark.io;

import io.embedspark.error.InvalidInputException;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an imported encoder gets its projection: {@code RANDOM} (the recipe's randomly initialised
 * projection) or {@code IDENTITY} (the embedding is the normalised mean-pooled state, for
 * zero-shot use of a pretrained encoder; needs {@code outputDim == hiddenSize}).
 */
public enum ProjectionInit {
  RANDOM,
  IDENTITY;

  /** Adds {@code projection.weight} and {@code projection.bias} to encoder tensors. */
  public Map<String, FloatTensor> complete(Map<String, FloatTensor> encoder, EncoderConfig config,
      long seed) {
    Map<String, FloatTensor> all = new LinkedHashMap<>(encoder);
    String w = ParameterNames.PROJECTION + ".weight";
    String b = ParameterNames.PROJECTION + ".bias";
    if (this == RANDOM) {
      all.put(w, ModelParameters.initialTensor(w, config, seed));
      all.put(b, ModelParameters.initialTensor(b, config, seed));
      return all;
    }
    int h = config.hiddenSize();
    if (config.outputDim() != h) {
      throw new InvalidInputException("projection IDENTITY needs outputDim = hiddenSize = " + h
          + ", got outputDim = " + config.outputDim());
    }
    float[] eye = new float[h * h];
    for (int i = 0; i < h; i++) {
      eye[i * h + i] = 1f;
    }
    all.put(w, new FloatTensor(new long[] {h, h}, eye));
    all.put(b, new FloatTensor(new long[] {h}, new float[h]));
    return all;
  }
}
