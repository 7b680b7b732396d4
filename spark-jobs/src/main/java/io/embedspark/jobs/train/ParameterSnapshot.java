package io.embedspark.jobs.train;

import io.embedspark.gradcache.TrainableEncoder;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The driver's parameters at one version, as plain arrays in the training precision, for a
 * broadcast: executors load a version once and reuse it for both passes of the step. Keyed by
 * graph variable name (linear weights as [in, out] kernels).
 *
 * @param version increases with every optimiser step
 * @param doubles whether values are double precision (else float)
 */
record ParameterSnapshot(long version, boolean doubles, Map<String, long[]> shapes,
    Map<String, float[]> floats, Map<String, double[]> doubleValues) implements Serializable {
  private static final long serialVersionUID = 1L;

  static ParameterSnapshot of(long version, TrainableEncoder encoder) {
    boolean d = encoder.dtype() == DataType.DOUBLE;
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, float[]> f = new LinkedHashMap<>();
    Map<String, double[]> dv = new LinkedHashMap<>();
    for (String name : graphNames(encoder.config())) {
      INDArray a = encoder.array(name);
      shapes.put(name, a.shape());
      if (d) {
        dv.put(name, a.dup('c').data().asDouble());
      } else {
        f.put(name, a.dup('c').data().asFloat());
      }
    }
    return new ParameterSnapshot(version, d, shapes, f, dv);
  }

  /** Every parameter's graph name. */
  static Iterable<String> graphNames(EncoderConfig config) {
    return ParameterNames.all(config).stream().map(ModelParameters::graphName).toList();
  }

  /** The values of one parameter as an array of the training precision. */
  INDArray array(String name) {
    return doubles ? Nd4j.create(doubleValues.get(name), shapes.get(name), 'c')
        : Nd4j.create(floats.get(name), shapes.get(name), 'c');
  }

  /** Loads this version into an encoder: all values, exactly. */
  void loadInto(TrainableEncoder encoder, boolean fresh) {
    if (fresh) {
      encoder.load(ModelParameters.fromGraphArrays(this::array, encoder.config()));
    }
    for (String name : shapes.keySet()) {
      encoder.array(name).assign(array(name));
    }
  }
}
