package io.embedspark.model;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * All parameters of an embedding model as float32 tensors named as in {@link ParameterNames}
 * (PyTorch layout: linear weights [out, in]). The exchange format between checkpoints and graphs.
 */
public final class ModelParameters {
  private static final double BERT_INIT_STD = 0.02;
  private final LinkedHashMap<String, FloatTensor> tensors;

  private ModelParameters(LinkedHashMap<String, FloatTensor> tensors) {
    this.tensors = tensors;
  }

  /**
   * Wraps tensors after checking that they are exactly the parameters of a model of this shape.
   *
   * @param source names the file the tensors came from, for messages
   * @throws CorruptArtifactException naming every missing, unexpected or mis-shaped tensor
   */
  public static ModelParameters of(Map<String, FloatTensor> tensors, EncoderConfig config,
      String source) {
    List<String> problems = new ArrayList<>();
    LinkedHashMap<String, FloatTensor> ordered = new LinkedHashMap<>();
    for (String name : ParameterNames.all(config)) {
      FloatTensor t = tensors.get(name);
      long[] expected = ParameterNames.shapeOf(name, config);
      if (t == null) {
        problems.add("missing tensor '" + name + "' " + Arrays.toString(expected));
      } else if (!Arrays.equals(t.shape(), expected)) {
        problems.add("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
            + ", expected " + Arrays.toString(expected));
      } else {
        ordered.put(name, t);
      }
    }
    for (String name : tensors.keySet()) {
      if (!ordered.containsKey(name) && !ParameterNames.all(config).contains(name)) {
        problems.add("unexpected tensor '" + name + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new CorruptArtifactException(source + " does not match the model config: "
          + String.join("; ", problems));
    }
    return new ModelParameters(ordered);
  }

  /**
   * These parameters, checked to hold only finite numbers: every load from a file, import and
   * soup calls it, since a model with one NaN weight embeds every text as NaN.
   *
   * @param source names the file the tensors came from, for messages
   * @throws CorruptArtifactException naming the tensor, the value and its flat index
   */
  public ModelParameters requireFinite(String source) {
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      int i = firstNonFinite(e.getValue().values());
      if (i >= 0) {
        throw new CorruptArtifactException(source + ": tensor '" + e.getKey() + "' holds "
            + e.getValue().values()[i] + " at flat index " + i + " (a model with non-finite "
            + "weights embeds every text as NaN)");
      }
    }
    return this;
  }

  /** The index of the first NaN or infinite value, or -1. */
  static int firstNonFinite(float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Fresh parameters as BERT initialises them (normal, std 0.02; layer norms 1 and 0; biases 0),
   * with a Xavier-uniform projection. Each tensor's values depend only on the seed and its name.
   */
  public static ModelParameters initialise(EncoderConfig config, long seed) {
    LinkedHashMap<String, FloatTensor> t = new LinkedHashMap<>();
    for (String name : ParameterNames.all(config)) {
      long[] shape = ParameterNames.shapeOf(name, config);
      t.put(name, new FloatTensor(shape, initialValues(name, shape, seed)));
    }
    return new ModelParameters(t);
  }

  /** The initial value of one parameter, as {@link #initialise} would give it. */
  public static FloatTensor initialTensor(String name, EncoderConfig config, long seed) {
    long[] shape = ParameterNames.shapeOf(name, config);
    return new FloatTensor(shape, initialValues(name, shape, seed));
  }

  private static float[] initialValues(String name, long[] shape, long seed) {
    float[] v = new float[Math.toIntExact(FloatTensor.elementCount(shape))];
    if (name.endsWith("LayerNorm.weight")) {
      Arrays.fill(v, 1f);
      return v;
    }
    if (name.endsWith(".bias")) {
      return v;
    }
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    if (name.equals(ParameterNames.PROJECTION + ".weight")) {
      double limit = Math.sqrt(6.0 / (shape[0] + shape[1]));
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) random.nextDouble(-limit, limit);
      }
      return v;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * BERT_INIT_STD);
    }
    return v;
  }

  /** Reads the current values out of a graph built by {@link EncoderGraph}. */
  public static ModelParameters readFrom(SameDiff sd, EncoderConfig config) {
    return readFrom(sd, config, Map.of());
  }

  /**
   * Reads the current values out of a graph; parameters the graph does not hold (the embedding
   * tables of a training graph) come from {@code outside}, keyed by name.
   */
  public static ModelParameters readFrom(SameDiff sd, EncoderConfig config,
      Map<String, INDArray> outside) {
    return fromGraphArrays(graphName -> sd.hasVariable(graphName)
        ? sd.getVariable(graphName).getArr() : outside.get(graphName), config);
  }

  /**
   * Reads parameters from arrays laid out as in a graph (linear weights as [in, out] kernels),
   * looked up by graph variable name ({@link #graphName}).
   */
  public static ModelParameters fromGraphArrays(
      java.util.function.Function<String, INDArray> byGraphName, EncoderConfig config) {
    LinkedHashMap<String, FloatTensor> t = new LinkedHashMap<>();
    for (String name : ParameterNames.all(config)) {
      INDArray a = byGraphName.apply(graphName(name));
      if (isLinearWeight(name)) {
        a = a.transpose();
      }
      long[] shape = ParameterNames.shapeOf(name, config);
      t.put(name, new FloatTensor(shape, a.castTo(DataType.FLOAT).dup('c').data().asFloat()));
    }
    return new ModelParameters(t);
  }

  /**
   * Writes these values into a graph built by {@link EncoderGraph} with the same config; a
   * training graph has no embedding tables, which are then skipped.
   */
  public void copyInto(SameDiff sd) {
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      if (!sd.hasVariable(graphName(e.getKey()))) {
        continue;
      }
      SDVariable v = sd.getVariable(graphName(e.getKey()));
      INDArray current = v.getArr();
      INDArray value = Nd4j.create(e.getValue().values(), e.getValue().shape(), 'c')
          .castTo(current.dataType());
      if (isLinearWeight(e.getKey())) {
        value = value.transpose().dup('c');
      }
      current.assign(value);
    }
  }

  /** The graph variable holding a parameter: linear weights are held transposed as kernels. */
  public static String graphName(String name) {
    return isLinearWeight(name) ? name.substring(0, name.length() - ".weight".length()) + ".kernel"
        : name;
  }

  private static boolean isLinearWeight(String name) {
    return name.endsWith(".weight") && !name.contains("LayerNorm")
        && !ParameterNames.embeddingTables().contains(name);
  }

  /** Tensors in a stable order, read-only. */
  public Map<String, FloatTensor> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  public FloatTensor get(String name) {
    return tensors.get(name);
  }

  /** Total number of scalar parameters. */
  public long count() {
    return tensors.values().stream().mapToLong(t -> t.values().length).sum();
  }
}
