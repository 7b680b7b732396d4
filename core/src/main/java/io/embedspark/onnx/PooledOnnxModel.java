package io.embedspark.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.embedspark.embed.BatchEncoder;
import io.embedspark.model.Pooling;
import io.embedspark.tokenize.TokenBatch;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime's run of a BERT-family ONNX file someone else exported (first output the token
 * states [batch, sequence, hidden]), pooled in Java (masked mean, or the first token) and
 * optionally L2-normalised: the independent reference that imported models and the inference
 * engines are checked and timed against. Pooling sums in double.
 */
public final class PooledOnnxModel implements BatchEncoder, AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final boolean normalise;
  private final Pooling pooling;

  /** A mean-pooling reference. */
  public PooledOnnxModel(byte[] model, int threads, boolean normalise) {
    this(model, threads, normalise, Pooling.MEAN);
  }

  /**
   * @param model the ONNX file's bytes
   * @param threads ONNX Runtime's intra-op threads
   * @param normalise divide each pooled vector by its L2 norm
   * @param pooling how token states become one vector
   */
  public PooledOnnxModel(byte[] model, int threads, boolean normalise, Pooling pooling) {
    this.normalise = normalise;
    this.pooling = pooling;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      this.session = env.createSession(model, options);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not load the model: " + e.getMessage(),
          e);
    }
  }

  @Override
  public float[][] embed(TokenBatch b) {
    int n = b.size();
    int t = b.width();
    Map<String, OnnxTensor> inputs = null;
    try {
      inputs = OnnxInputs.of(env, b, session.getInputNames());
      try (OrtSession.Result result = session.run(inputs)) {
        OnnxTensor states = (OnnxTensor) result.get(0);
        int h = (int) states.getInfo().getShape()[2];
        FloatBuffer v = states.getFloatBuffer();
        float[][] out = new float[n][h];
        for (int i = 0; i < n; i++) {
          double[] sum = new double[h];
          int tokens = pooling == Pooling.CLS ? 1 : b.lengths()[i];
          for (int j = 0; j < tokens; j++) {
            for (int k = 0; k < h; k++) {
              sum[k] += v.get((i * t + j) * h + k);
            }
          }
          double norm = 0;
          for (int k = 0; k < h; k++) {
            sum[k] /= tokens;
            norm += sum[k] * sum[k];
          }
          double scale = normalise ? 1 / Math.sqrt(norm + 1e-24) : 1;
          for (int k = 0; k < h; k++) {
            out[i][k] = (float) (sum[k] * scale);
          }
        }
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + " x " + t
          + " tokens: " + e.getMessage(), e);
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
