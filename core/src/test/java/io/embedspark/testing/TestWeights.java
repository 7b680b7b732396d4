package io.embedspark.testing;

import io.embedspark.io.FloatTensor;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Helpers for tests that compare models and gradients, shared with spark-jobs' tests (core's
 * test jar).
 */
public final class TestWeights {
  private TestWeights() {}

  /**
   * Every parameter but the layer norms redrawn from N(0, std): BERT's 0.02 initialisation gives
   * every text nearly the same embedding, under which comparisons of vectors prove little.
   */
  public static ModelParameters spread(ModelParameters p, EncoderConfig config, double std,
      long seed) {
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    SplittableRandom r = new SplittableRandom(seed);
    for (Map.Entry<String, FloatTensor> e : p.tensors().entrySet()) {
      float[] v = e.getValue().values().clone();
      if (!e.getKey().contains("LayerNorm")) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) r.nextGaussian(0, std);
        }
      }
      t.put(e.getKey(), new FloatTensor(e.getValue().shape(), v));
    }
    return ModelParameters.of(t, config, "spread");
  }

  /**
   * Largest |a - b| over all tensors, relative to the largest |b| of that tensor plus 1e-4 of the
   * largest gradient anywhere (gradients that are zero in exact arithmetic, such as the attention
   * key biases', are 1e-16 noise on both sides). Both maps must have the same names.
   */
  public static double maxRelativeError(Map<String, INDArray> a, Map<String, INDArray> b) {
    if (!a.keySet().equals(b.keySet())) {
      throw new AssertionError("different gradient names: " + a.keySet() + " vs " + b.keySet());
    }
    double global = 0;
    for (INDArray g : b.values()) {
      global = Math.max(global, g.amaxNumber().doubleValue());
    }
    double worst = 0;
    for (String name : b.keySet()) {
      double scale = b.get(name).amaxNumber().doubleValue();
      double diff = a.get(name).castTo(DataType.DOUBLE).sub(b.get(name).castTo(DataType.DOUBLE))
          .amaxNumber().doubleValue();
      worst = Math.max(worst, diff / (scale + 1e-4 * global));
    }
    return worst;
  }
}
