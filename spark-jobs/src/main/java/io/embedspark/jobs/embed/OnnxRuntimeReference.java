package io.embedspark.jobs.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * ONNX Runtime's inference of a BERT-family ONNX file (inputs {@code input_ids},
 * {@code attention_mask} and optionally {@code token_type_ids}; first output the token states),
 * as the speed anchor of bulk embedding: the same texts cut by the same tokenizer, sorted by
 * length into batches of a fixed number of rows, masked mean pooling and L2 normalisation in Java,
 * with the intra-op thread count set (concurrent sessions with ONNX Runtime's default threads
 * thrash). Benchmarks only: ONNX Runtime is a provided dependency.
 */
final class OnnxRuntimeReference {
  private OnnxRuntimeReference() {}

  /** What one run measured; {@code embeddings} are in input order. */
  record Run(long realTokens, long paddedTokens, double seconds, float[][] embeddings) {}

  static Run embed(Path onnx, TextTokenizer tokenizer, java.util.List<String> texts, int threads,
      int batchRows) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(onnx.toString(), options)) {
        TokenBatch all = tokenizer.encode(texts);
        int[] order = IntStream.range(0, all.size()).boxed()
            .sorted((a, b) -> all.lengths()[a] != all.lengths()[b]
                ? Integer.compare(all.lengths()[a], all.lengths()[b]) : Integer.compare(a, b))
            .mapToInt(Integer::intValue).toArray();
        run(env, session, all.select(java.util.Arrays.copyOf(order,
            Math.min(batchRows, order.length)))); // warm-up, not counted
        float[][] out = new float[all.size()][];
        long padded = 0;
        long t0 = System.nanoTime();
        for (int from = 0; from < order.length; from += batchRows) {
          int[] rows = java.util.Arrays.copyOfRange(order, from,
              Math.min(order.length, from + batchRows));
          TokenBatch b = all.select(rows);
          padded += (long) b.size() * b.width();
          float[][] e = run(env, session, b);
          for (int i = 0; i < rows.length; i++) {
            out[rows[i]] = e[i];
          }
        }
        return new Run(all.realTokens(), padded, (System.nanoTime() - t0) / 1e9, out);
      }
    }
  }

  /** Masked mean-pooled, L2-normalised token states of one batch. */
  private static float[][] run(OrtEnvironment env, OrtSession session, TokenBatch b)
      throws OrtException {
    int n = b.size();
    int t = b.width();
    long[] ids = new long[n * t];
    long[] mask = new long[n * t];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < b.lengths()[i]; j++) {
        ids[i * t + j] = b.ids()[i * t + j];
        mask[i * t + j] = 1;
      }
    }
    long[] shape = {n, t};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (session.getInputNames().contains("token_type_ids")) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(env,
            LongBuffer.wrap(new long[n * t]), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        OnnxTensor states = (OnnxTensor) result.get(0);
        long[] s = states.getInfo().getShape();
        int h = (int) s[2];
        FloatBuffer v = states.getFloatBuffer();
        float[][] out = new float[n][h];
        for (int i = 0; i < n; i++) {
          double[] sum = new double[h];
          for (int j = 0; j < b.lengths()[i]; j++) {
            int base = (i * t + j) * h;
            for (int k = 0; k < h; k++) {
              sum[k] += v.get(base + k);
            }
          }
          double norm = 0;
          for (int k = 0; k < h; k++) {
            out[i][k] = (float) (sum[k] / b.lengths()[i]);
            norm += out[i][k] * out[i][k];
          }
          float inv = (float) (1 / Math.sqrt(norm + 1e-24));
          for (int k = 0; k < h; k++) {
            out[i][k] *= inv;
          }
        }
        return out;
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }
}
