package io.embedspark.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.embedspark.embed.BatchEncoder;
import io.embedspark.tokenize.TokenBatch;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Runs a model written by {@link OnnxEncoderExport} with ONNX Runtime (https://onnxruntime.ai).
 * One session serves every thread of a JVM ({@code OrtSession.run} is thread-safe); with
 * {@code threads} = 1 each call runs on its caller's thread only, so Spark's one task per core
 * maps to one core per call, and sessions never compete for cores with their own thread pools.
 *
 * <p>ONNX Runtime is an optional dependency: it must be on the classpath of whoever creates this
 * class (the embedded launcher has it; on a cluster add
 * {@code com.microsoft.onnxruntime:onnxruntime} to {@code spark-submit --packages}).
 */
public final class OnnxRuntimeEncoder implements BatchEncoder, AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final int outputDim;

  private OnnxRuntimeEncoder(OrtEnvironment env, OrtSession session, int outputDim) {
    this.env = env;
    this.session = session;
    this.outputDim = outputDim;
  }

  /**
   * A session for a serialised model.
   *
   * @param threads ONNX Runtime's intra-op threads for each call: the cores one caller may use
   */
  public static OnnxRuntimeEncoder create(byte[] model, int outputDim, int threads) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads = " + threads + " must be positive");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return new OnnxRuntimeEncoder(env, env.createSession(model, options), outputDim);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not load the model: " + e.getMessage(),
          e);
    }
  }

  @Override
  public float[][] embed(TokenBatch batch) {
    int n = batch.size();
    if (n == 0) {
      return new float[0][];
    }
    Map<String, OnnxTensor> inputs = null;
    try {
      inputs = OnnxInputs.of(env, batch, session.getInputNames());
      try (OrtSession.Result result = session.run(inputs)) {
        FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
        float[][] out = new float[n][outputDim];
        for (int i = 0; i < n; i++) {
          values.get(out[i]);
        }
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + " x "
          + batch.width() + " tokens: " + e.getMessage(), e);
    } finally {
      if (inputs != null) {
        inputs.values().forEach(OnnxTensor::close);
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
