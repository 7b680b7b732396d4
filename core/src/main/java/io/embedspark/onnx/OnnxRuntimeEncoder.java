package io.embedspark.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.embedspark.embed.BatchEncoder;
import io.embedspark.embed.CoreShare;
import io.embedspark.tokenize.TokenBatch;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a model written by {@link OnnxEncoderExport} with ONNX Runtime (https://onnxruntime.ai).
 * One session serves every thread of a JVM ({@code OrtSession.run} is thread-safe); with one
 * intra-op thread a call runs on its caller's thread only, so Spark's one task per core maps to one
 * core per call, and sessions never compete for cores with their own thread pools.
 *
 * <p>A session's thread count is fixed when it is built, so an encoder with a {@link CoreShare}
 * that can change holds one session per thread count it may be asked for (the model's weights once
 * per session) and runs each call on the session of {@link CoreShare#threads()} at that moment.
 *
 * <p>ONNX Runtime is an optional dependency: it must be on the classpath of whoever creates this
 * class (the embedded launcher has it; on a cluster add
 * {@code com.microsoft.onnxruntime:onnxruntime} to {@code spark-submit --packages}).
 */
public final class OnnxRuntimeEncoder implements BatchEncoder, AutoCloseable {
  private final OrtEnvironment env;
  private final Map<Integer, OrtSession> sessions;
  private final CoreShare share;
  private final int outputDim;

  private OnnxRuntimeEncoder(OrtEnvironment env, Map<Integer, OrtSession> sessions,
      CoreShare share, int outputDim) {
    this.env = env;
    this.sessions = sessions;
    this.share = share;
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
    return create(model, outputDim, CoreShare.fixed(threads));
  }

  /**
   * Sessions for a serialised model, one per thread count the share can give a call.
   *
   * @param share the cores each call may use, asked afresh on every call
   */
  public static OnnxRuntimeEncoder create(byte[] model, int outputDim, CoreShare share) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<Integer, OrtSession> sessions = new TreeMap<>();
    try {
      for (int threads : share.threadCounts()) {
        sessions.put(threads, session(env, model, threads));
      }
      return new OnnxRuntimeEncoder(env, Map.copyOf(sessions), share, outputDim);
    } catch (OrtException e) {
      closeAll(sessions.values());
      throw new IllegalStateException("ONNX Runtime could not load the model: " + e.getMessage(),
          e);
    }
  }

  private static OrtSession session(OrtEnvironment env, byte[] model, int threads)
      throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return env.createSession(model, options);
    }
  }

  /** The number of sessions held: one per thread count a call may use. */
  public int sessionCount() {
    return sessions.size();
  }

  @Override
  public float[][] embed(TokenBatch batch) {
    int n = batch.size();
    if (n == 0) {
      return new float[0][];
    }
    Map<String, OnnxTensor> inputs = null;
    try {
      OrtSession session = sessions.get(share.threads());
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
    closeAll(sessions.values());
  }

  private static void closeAll(Iterable<OrtSession> sessions) {
    IllegalStateException failed = null;
    for (OrtSession s : sessions) {
      try {
        s.close();
      } catch (OrtException e) {
        failed = failed == null ? new IllegalStateException(e) : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
