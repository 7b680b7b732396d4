package io.embedspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tests {@link ModelParameters#initialise}, {@link ModelParameters#initialTensor} and
 * {@link ModelParameters#of}.
 */
class ModelParametersTest {
  private static final EncoderConfig CONFIG = EncoderPresets.tiny().withVocabSize(50);
  private static final String PROJECTION_WEIGHT = ParameterNames.PROJECTION + ".weight";

  @Test
  void initialTensorEqualsTheSameTensorOfInitialise() {
    long seed = 11;
    ModelParameters all = ModelParameters.initialise(CONFIG, seed);
    assertEquals(ParameterNames.all(CONFIG), List.copyOf(all.tensors().keySet()),
        "initialise gives every parameter in the stable order");
    for (String name : ParameterNames.all(CONFIG)) {
      assertEquals(all.get(name), ModelParameters.initialTensor(name, CONFIG, seed),
          name + ": initialTensor gives what initialise gives for seed " + seed);
    }
  }

  @Test
  void differentSeedsGiveDifferentProjectionWeights() {
    FloatTensor one = ModelParameters.initialTensor(PROJECTION_WEIGHT, CONFIG, 1);
    FloatTensor two = ModelParameters.initialTensor(PROJECTION_WEIGHT, CONFIG, 2);
    assertEquals(one, ModelParameters.initialTensor(PROJECTION_WEIGHT, CONFIG, 1),
        "the same seed gives the same weights");
    assertNotEquals(one, two, "negative control: seeds 1 and 2 give different projections");
    assertNotEquals(ModelParameters.initialise(CONFIG, 1).get(PROJECTION_WEIGHT),
        ModelParameters.initialise(CONFIG, 2).get(PROJECTION_WEIGHT),
        "negative control through initialise as well");
  }

  @Test
  void ofNamesAMissingTensor() {
    Map<String, FloatTensor> tensors =
        new LinkedHashMap<>(ModelParameters.initialise(CONFIG, 3).tensors());
    tensors.remove(ParameterNames.PROJECTION + ".bias");
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> ModelParameters.of(tensors, CONFIG, "partial.safetensors"), "no projection.bias");
    assertTrue(e.getMessage().startsWith("partial.safetensors"), "names the source: "
        + e.getMessage());
    assertTrue(e.getMessage().contains("missing tensor 'projection.bias' [16]"),
        "names the tensor and its shape: " + e.getMessage());
  }

  @Test
  void ofRefusesANonFiniteWeightNamingTheTensorAndIndex() {
    Map<String, FloatTensor> tensors =
        new LinkedHashMap<>(ModelParameters.initialise(CONFIG, 3).tensors());
    String name = ParameterNames.intermediate(0) + ".weight";
    float[] values = tensors.get(name).values().clone();
    values[5] = Float.NaN;
    tensors.put(name, new FloatTensor(tensors.get(name).shape(), values));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> ModelParameters.of(tensors, CONFIG, "nan.safetensors")
            .requireFinite("nan.safetensors"));
    assertTrue(e.getMessage().startsWith("nan.safetensors")
        && e.getMessage().contains("tensor '" + name + "' holds NaN at flat index 5"),
        e.getMessage());
  }
}
