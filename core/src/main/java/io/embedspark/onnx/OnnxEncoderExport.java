package io.embedspark.onnx;

import static io.embedspark.onnx.OnnxGraph.floatAttribute;
import static io.embedspark.onnx.OnnxGraph.intAttribute;

import io.embedspark.io.FloatTensor;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import io.embedspark.model.Pooling;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.JsonFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/**
 * Writes the embedding model as one ONNX graph of standard operators (opset 17): BERT layers
 * (Devlin et al. 2019, arXiv 1810.04805), pooling (masked mean or the first token), the
 * projection and L2 normalisation, exactly what the modules' inference passes compute. Inputs {@code input_ids} and
 * {@code attention_mask} are int64 [batch, sequence], with positions from the config's offset
 * (0, or 2 for RoBERTa-family models) and token type 0; the output {@code embedding} is float [batch, outputDim] with unit rows, whose prefixes give
 * the Matryoshka embeddings once re-normalised.
 *
 * <p>The attention scale is folded into the query projection, as in the ND4J inference pass. GELU is written as x * 0.5 * (1 + erf(x / sqrt 2)), the pattern ONNX
 * Runtime fuses into one kernel.
 */
public final class OnnxEncoderExport {
  /** The graph's inputs and output. */
  public static final String INPUT_IDS = "input_ids";
  public static final String ATTENTION_MASK = "attention_mask";
  public static final String EMBEDDING = "embedding";

  private static final int OPSET = 17;
  private static final int IR_VERSION = 8;
  private static final float MASK_PENALTY = -1e9f;
  private static final float NORM_EPS = 1e-24f;

  /** Which operators the graph may use. */
  public enum Operators {
    /** Standard ONNX operators only: runs on any ONNX runtime. */
    STANDARD,
    /**
     * ONNX Runtime's fused {@code com.microsoft} kernels where they apply (multi-head
     * {@code Attention} with one packed QKV projection, {@code SkipLayerNormalization} for the
     * residual, bias and layer norm): for the embed job's ONNX Runtime engine.
     */
    ONNXRUNTIME
  }

  private static final String MICROSOFT = "com.microsoft";

  private final EncoderConfig config;
  private final ModelParameters parameters;
  private final boolean fused;
  private final OnnxGraph g = new OnnxGraph("embedspark_encoder");
  private String attentionMaskInt;

  private OnnxEncoderExport(EncoderConfig config, ModelParameters parameters,
      Operators operators) {
    this.config = config;
    this.parameters = parameters;
    this.fused = operators == Operators.ONNXRUNTIME;
  }

  /** The model as a serialised ONNX {@code ModelProto}. */
  public static byte[] toBytes(EncoderConfig config, ModelParameters parameters,
      Operators operators) {
    return new OnnxEncoderExport(config, parameters, operators).build().toByteArray();
  }

  /**
   * Writes a bundle as a directory ONNX Runtime users load: {@code model.onnx}, the bundle's
   * {@code tokenizer.json} and its provenance, put in place atomically.
   *
   * @param overwrite replace an existing directory at {@code dir}
   */
  public static void writeDirectory(CheckpointBundle bundle, Operators operators, Path dir,
      boolean overwrite) {
    byte[] model = toBytes(bundle.config().model(), bundle.parameters(), operators);
    AtomicDirectory.write(dir, overwrite, d -> {
      Files.write(d.resolve("model.onnx"), model);
      Files.writeString(d.resolve("tokenizer.json"), bundle.tokenizerJson(),
          StandardCharsets.UTF_8);
      JsonFiles.write(d.resolve("embedspark_provenance.json"), bundle.provenance());
    });
  }

  private ModelProto build() {
    int f = TensorProto.DataType.FLOAT_VALUE;
    int i64 = TensorProto.DataType.INT64_VALUE;
    g.input(INPUT_IDS, i64, "batch", "sequence");
    g.input(ATTENTION_MASK, i64, "batch", "sequence");
    String mask = g.op("Cast", List.of(ATTENTION_MASK), intAttribute("to", f));
    String maskBias = fused ? null : attentionMaskBias(mask);
    attentionMaskInt = fused ? g.op("Cast", List.of(ATTENTION_MASK),
        intAttribute("to", TensorProto.DataType.INT32_VALUE)) : null;
    String x = embeddings();
    for (int i = 0; i < config.numLayers(); i++) {
      x = layer(i, x, maskBias);
    }
    String pooled = config.pooling() == Pooling.CLS ? firstToken(x) : meanPool(x, mask);
    String projected = linear(ParameterNames.PROJECTION, pooled);
    String sq = g.op("ReduceSum", List.of(g.op("Mul", projected, projected), axes("norm_axes", 1)),
        intAttribute("keepdims", 1));
    String norm = g.op("Sqrt", g.op("Add", sq, g.scalar("norm_eps", NORM_EPS)));
    g.output(g.op("Div", projected, norm), EMBEDDING, f, "batch",
        Integer.toString(config.outputDim()));
    ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION)
        .setProducerName("embedspark")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
    if (fused) {
      model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MICROSOFT).setVersion(1));
    }
    return model.setGraph(g.build()).build();
  }

  /** (1 - mask) * -1e9 as [batch, 1, 1, sequence], added to every head's scores. */
  private String attentionMaskBias(String mask) {
    String inverted = g.op("Sub", g.scalar("one", 1f), mask);
    String bias = g.op("Mul", inverted, g.scalar("mask_penalty", MASK_PENALTY));
    return g.op("Unsqueeze", bias, axes("mask_axes", 1, 2));
  }

  private String embeddings() {
    String words = g.op("Gather", param(ParameterNames.WORD_EMBEDDINGS), INPUT_IDS);
    String length = g.op("Slice", g.op("Shape", INPUT_IDS), axes("dim1_start", 1),
        axes("dim1_end", 2));
    int offset = config.positionOffset();
    String start = offset == 0 ? axes("zero", 0) : axes("position_offset", offset);
    String end = offset == 0 ? length : g.op("Add", length, start);
    String positions = g.op("Slice", param(ParameterNames.POSITION_EMBEDDINGS), start, end,
        axes("axis0", 0));
    FloatTensor types = parameters.get(ParameterNames.TOKEN_TYPE_EMBEDDINGS);
    float[] type0 = java.util.Arrays.copyOf(types.values(), config.hiddenSize());
    String x = g.op("Add", g.op("Add", words, positions),
        g.floats("token_type_0", type0, config.hiddenSize()));
    return layerNorm(ParameterNames.EMBEDDINGS_LN, x);
  }

  /** One post-LN transformer layer. */
  private String layer(int i, String x, String maskBias) {
    if (fused) {
      String h = skipLayerNorm(ParameterNames.attentionOutput(i),
          ParameterNames.attentionLayerNorm(i), fusedAttention(i, x), x);
      String inner = gelu(linear(ParameterNames.intermediate(i), h));
      return skipLayerNorm(ParameterNames.output(i), ParameterNames.outputLayerNorm(i), inner, h);
    }
    String attended = g.op("Add", x, linear(ParameterNames.attentionOutput(i),
        attention(i, x, maskBias)));
    String h = layerNorm(ParameterNames.attentionLayerNorm(i), attended);
    String inner = gelu(linear(ParameterNames.intermediate(i), h));
    return layerNorm(ParameterNames.outputLayerNorm(i),
        g.op("Add", h, linear(ParameterNames.output(i), inner)));
  }

  private String attention(int i, String x, String maskBias) {
    double scale = 1.0 / Math.sqrt(config.headSize());
    String q = heads(linear(ParameterNames.query(i), x, scale), 0, 2, 1, 3);
    String k = heads(linear(ParameterNames.key(i), x, 1.0), 0, 2, 3, 1);
    String v = heads(linear(ParameterNames.value(i), x, 1.0), 0, 2, 1, 3);
    String scores = g.op("Add", g.op("MatMul", q, k), maskBias);
    String probs = g.op("Softmax", List.of(scores), intAttribute("axis", -1));
    String context = g.op("Transpose", List.of(g.op("MatMul", probs, v)),
        OnnxGraph.intsAttribute("perm", 0, 2, 1, 3));
    return g.op("Reshape", context, axes("merge_heads", 0, 0, config.hiddenSize()));
  }

  /** ONNX Runtime's multi-head attention: one GEMM for Q, K and V, masked by the raw mask. */
  private String fusedAttention(int i, String x) {
    int h = config.hiddenSize();
    float[] kernel = new float[h * 3 * h];
    float[] bias = new float[3 * h];
    String[] parts = {ParameterNames.query(i), ParameterNames.key(i), ParameterNames.value(i)};
    for (int p = 0; p < 3; p++) {
      float[] w = parameters.get(parts[p] + ".weight").values();
      for (int o = 0; o < h; o++) {
        for (int c = 0; c < h; c++) {
          kernel[c * 3 * h + p * h + o] = w[o * h + c];
        }
      }
      System.arraycopy(parameters.get(parts[p] + ".bias").values(), 0, bias, p * h, h);
    }
    String prefix = ParameterNames.layer(i) + "attention.qkv";
    return g.op(MICROSOFT, "Attention", List.of(x, g.floats(prefix + ".kernel", kernel, h, 3 * h),
        g.floats(prefix + ".bias", bias, 3 * h), attentionMaskInt),
        intAttribute("num_heads", config.numHeads()));
  }

  /** LayerNorm(x W^T + b + residual), ONNX Runtime's fused kernel. */
  private String skipLayerNorm(String linear, String norm, String x, String residual) {
    FloatTensor w = parameters.get(linear + ".weight");
    int out = (int) w.shape()[0];
    int in = (int) w.shape()[1];
    String product = g.op("MatMul", x, g.floats(linear + ".kernel", transposed(w, 1.0), in, out));
    return g.op(MICROSOFT, "SkipLayerNormalization", List.of(product, residual,
        param(norm + ".weight"), param(norm + ".bias"), param(linear + ".bias")),
        floatAttribute("epsilon", (float) config.layerNormEps()));
  }

  private static float[] transposed(FloatTensor w, double scale) {
    int out = (int) w.shape()[0];
    int in = (int) w.shape()[1];
    float[] kernel = new float[in * out];
    for (int o = 0; o < out; o++) {
      for (int c = 0; c < in; c++) {
        kernel[c * out + o] = (float) (w.values()[o * in + c] * scale);
      }
    }
    return kernel;
  }

  /** [batch, sequence, hidden] split into heads and transposed by {@code perm}. */
  private String heads(String x, long... perm) {
    String split = g.op("Reshape", x,
        axes("split_heads", 0, 0, config.numHeads(), config.headSize()));
    return g.op("Transpose", List.of(split), OnnxGraph.intsAttribute("perm", perm));
  }

  private String gelu(String x) {
    String erf = g.op("Erf", g.op("Div", x, g.scalar("sqrt2", (float) Math.sqrt(2.0))));
    String doubled = g.op("Mul", x, g.op("Add", erf, g.scalar("one", 1f)));
    return g.op("Mul", doubled, g.scalar("half", 0.5f));
  }

  /** The first token's state, [batch, hidden]. */
  private String firstToken(String x) {
    String first = g.constant("first_token", () -> g.longs("first_token", new long[] {0}));
    return g.op("Gather", List.of(x, first), intAttribute("axis", 1));
  }

  private String meanPool(String x, String mask) {
    String expanded = g.op("Unsqueeze", mask, axes("pool_axes", 2));
    String summed = g.op("ReduceSum", List.of(g.op("Mul", x, expanded), axes("seq_axis", 1)),
        intAttribute("keepdims", 0));
    String counts = g.op("ReduceSum", List.of(mask, axes("seq_axis", 1)),
        intAttribute("keepdims", 1));
    return g.op("Div", summed, counts);
  }

  private String linear(String name, String x) {
    return linear(name, x, 1.0);
  }

  /** x W^T + b, with W stored [out, in] as in PyTorch, both scaled by {@code scale}. */
  private String linear(String name, String x, double scale) {
    FloatTensor w = parameters.get(name + ".weight");
    int out = (int) w.shape()[0];
    int in = (int) w.shape()[1];
    float[] kernel = transposed(w, scale);
    float[] bias = parameters.get(name + ".bias").values().clone();
    for (int o = 0; o < out; o++) {
      bias[o] = (float) (bias[o] * scale);
    }
    String product = g.op("MatMul", x, g.floats(name + ".kernel", kernel, in, out));
    return g.op("Add", product, g.floats(name + ".bias", bias, out));
  }

  private String layerNorm(String name, String x) {
    return g.op("LayerNormalization",
        List.of(x, param(name + ".weight"), param(name + ".bias")),
        intAttribute("axis", -1), floatAttribute("epsilon", (float) config.layerNormEps()));
  }

  /** A parameter tensor as an initializer under its own name, added once. */
  private String param(String name) {
    FloatTensor t = parameters.get(name);
    return g.constant(name, () -> g.floats(name, t.values(), t.shape()));
  }

  /** An int64 vector constant, added once per name. */
  private String axes(String name, long... values) {
    return g.constant(name, () -> g.longs(name, values, values.length));
  }
}
