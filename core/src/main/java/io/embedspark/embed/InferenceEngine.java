package io.embedspark.embed;

import io.embedspark.error.InvalidInputException;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.onnx.OnnxEncoderExport;
import io.embedspark.onnx.OnnxRuntimeEncoder;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which engine runs inference: ND4J's in-place pass, or ONNX Runtime on the model exported to
 * ONNX ({@link OnnxEncoderExport}). Both compute the same embeddings (tested against PyTorch to
 * 1e-5 in float); ONNX Runtime is faster on CPUs (docs/BENCHMARKS.md) but is an optional
 * dependency.
 */
public enum InferenceEngine {
  ND4J, ONNXRUNTIME;

  /** The config spelling, e.g. {@code onnxruntime}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The engine a config names, checked to be runnable here.
   *
   * @param key the config key, for messages
   * @throws InvalidInputException naming the key for an unknown engine, or for onnxruntime when
   *     ONNX Runtime is not on the classpath
   */
  public static InferenceEngine parse(String key, String value) {
    String v = value == null || value.isBlank() ? "nd4j" : value.trim().toLowerCase(Locale.ROOT);
    InferenceEngine engine = Arrays.stream(values()).filter(e -> e.key().equals(v)).findFirst()
        .orElseThrow(() -> new InvalidInputException(key + " = '" + value + "' must be one of "
            + String.join(", ", Arrays.stream(values()).map(InferenceEngine::key).toList())));
    if (engine == ONNXRUNTIME && !onnxRuntimeOnClasspath()) {
      throw new InvalidInputException(key + " = onnxruntime, but ONNX Runtime is not on the "
          + "classpath: add com.microsoft.onnxruntime:onnxruntime (spark-submit --packages "
          + "com.microsoft.onnxruntime:onnxruntime:<version>) or set " + key + ": nd4j");
    }
    return engine;
  }

  /** Whether ONNX Runtime's Java API can be loaded, without loading any class that needs it. */
  public static boolean onnxRuntimeOnClasspath() {
    try {
      Class.forName("ai.onnxruntime.OrtEnvironment", false, InferenceEngine.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * The engine's encoder for a model.
   *
   * @param threads cores each call may use (ONNX Runtime's intra-op threads)
   */
  public BatchEncoder encoder(EmbeddingModel model, int threads) {
    return encoder(model, CoreShare.fixed(threads));
  }

  /**
   * The engine's encoder for a model whose callers share a machine's cores. ONNX Runtime asks the
   * share on every call and holds a session per thread count; ND4J's ops run with the threads set
   * for the process ({@code NativeThreads}), so its encoder ignores the share.
   */
  public BatchEncoder encoder(EmbeddingModel model, CoreShare share) {
    if (this == ND4J) {
      return model::embedRows;
    }
    byte[] onnx = OnnxEncoderExport.toBytes(model.config(), model.parameters(),
        OnnxEncoderExport.Operators.ONNXRUNTIME);
    return OnnxRuntimeEncoder.create(onnx, model.config().outputDim(), share);
  }
}
