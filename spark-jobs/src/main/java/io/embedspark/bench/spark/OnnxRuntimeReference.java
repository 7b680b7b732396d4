package io.embedspark.bench.spark;

import io.embedspark.onnx.PooledOnnxModel;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * ONNX Runtime's inference of a BERT-family ONNX file ({@link PooledOnnxModel}) as the speed
 * anchor of bulk embedding: the same texts cut by the same tokenizer, sorted by length into
 * batches of a fixed number of rows, with the intra-op thread count set (concurrent sessions with
 * ONNX Runtime's default threads thrash). Tokenization is not timed.
 */
final class OnnxRuntimeReference {
  private OnnxRuntimeReference() {}

  /** What one run measured; {@code embeddings} are in input order. */
  record Run(long realTokens, long paddedTokens, double seconds, float[][] embeddings) {}

  static Run embed(Path onnx, TextTokenizer tokenizer, List<String> texts, int threads,
      int batchRows) throws IOException {
    try (PooledOnnxModel model = new PooledOnnxModel(Files.readAllBytes(onnx), threads,
        true)) {
      TokenBatch all = tokenizer.encode(texts);
      int[] order = IntStream.range(0, all.size()).boxed()
          .sorted((a, b) -> all.lengths()[a] != all.lengths()[b]
              ? Integer.compare(all.lengths()[a], all.lengths()[b]) : Integer.compare(a, b))
          .mapToInt(Integer::intValue).toArray();
      model.embed(all.select(Arrays.copyOf(order, Math.min(batchRows, order.length))));
      float[][] out = new float[all.size()][];
      long padded = 0;
      long t0 = System.nanoTime();
      for (int from = 0; from < order.length; from += batchRows) {
        int[] rows = Arrays.copyOfRange(order, from, Math.min(order.length, from + batchRows));
        TokenBatch b = all.select(rows);
        padded += (long) b.size() * b.width();
        float[][] e = model.embed(b);
        for (int i = 0; i < rows.length; i++) {
          out[rows[i]] = e[i];
        }
      }
      return new Run(all.realTokens(), padded, (System.nanoTime() - t0) / 1e9, out);
    }
  }
}
