package io.embedspark.model.modules;

import io.embedspark.io.FloatTensor;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameters as native arrays keyed by graph variable name ({@link
 * ModelParameters#graphName}): linear weights held as [in, out] kernels, the transpose of
 * PyTorch's layout, so a forward pass multiplies without transposing.
 */
public final class Weights {
  private final DataType dtype;
  private final Map<String, INDArray> arrays = new LinkedHashMap<>();

  private Weights(DataType dtype) {
    this.dtype = dtype;
  }

  /** No parameters yet: a replica filled tensor by tensor with {@link #put}. */
  public static Weights empty(DataType dtype) {
    return new Weights(dtype);
  }

  /** Copies parameters into arrays of {@code dtype}, transposing linear weights. */
  public static Weights of(ModelParameters parameters, DataType dtype) {
    Weights w = new Weights(dtype);
    for (Map.Entry<String, FloatTensor> e : parameters.tensors().entrySet()) {
      INDArray a = Nd4j.create(e.getValue().values(), e.getValue().shape(), 'c').castTo(dtype);
      String graphName = ModelParameters.graphName(e.getKey());
      w.arrays.put(graphName, graphName.equals(e.getKey()) ? a : a.transpose().dup('c'));
    }
    return w;
  }

  /** The live array of a parameter. */
  public INDArray get(String graphName) {
    INDArray a = arrays.get(graphName);
    if (a == null) {
      throw new IllegalArgumentException("no parameter '" + graphName + "'");
    }
    return a;
  }

  /** The live array of a parameter, or null when it has none yet. */
  public INDArray find(String graphName) {
    return arrays.get(graphName);
  }

  /** Replaces a parameter's array with {@code value} itself, cast to this dtype if needed. */
  public void put(String graphName, INDArray value) {
    arrays.put(graphName, value.dataType() == dtype ? value : value.castTo(dtype));
  }

  /** The current values as float32 tensors in PyTorch layout. */
  public ModelParameters parameters(EncoderConfig config) {
    return ModelParameters.fromGraphArrays(arrays::get, config);
  }

  public DataType dtype() {
    return dtype;
  }

  /** Frees every array; for an owner whose arrays nobody else holds. */
  public void close() {
    arrays.values().forEach(INDArray::close);
    arrays.clear();
  }
}
