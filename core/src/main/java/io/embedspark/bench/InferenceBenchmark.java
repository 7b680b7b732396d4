package io.embedspark.bench;

import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderFlops;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenBatch;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Inference throughput of the encoder on random token ids: tokens/s and model GFLOP/s for a
 * batch shape, next to the GEMM rate measured in the same run.
 */
public final class InferenceBenchmark {
  private InferenceBenchmark() {}

  /** One measurement. */
  public record Result(int batch, int width, double tokensPerSecond, double modelGflops,
      double gemmGflops) {
    public double fractionOfGemm() {
      return modelGflops / gemmGflops;
    }
  }

  /**
   * Runs {@code warmup} then {@code iterations} forward passes of a full batch, through the
   * inference path or, with {@code graph}, through the SameDiff graph.
   */
  public static Result run(EncoderConfig config, int batch, int width, int warmup,
      int iterations, double gemmGflops, boolean graph) {
    ModelParameters params = ModelParameters.initialise(config, 1);
    EmbeddingModel model = EmbeddingModel.create(config, params, null, DataType.FLOAT);
    TokenBatch tokens = randomBatch(config.vocabSize(), batch, width);
    for (int i = 0; i < warmup; i++) {
      embed(model, tokens, graph);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      embed(model, tokens, graph);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double tokensPerSecond = (double) batch * width * iterations / seconds;
    double gflops = EncoderFlops.forward(config, batch, width) * iterations / seconds / 1e9;
    return new Result(batch, width, tokensPerSecond, gflops, gemmGflops);
  }

  private static void embed(EmbeddingModel model, TokenBatch tokens, boolean graph) {
    if (graph) {
      model.embedWithGraph(tokens);
    } else {
      model.embed(tokens);
    }
  }

  /** A batch of random ids with every row full length (no padding). */
  public static TokenBatch randomBatch(int vocab, int batch, int width) {
    SplittableRandom r = new SplittableRandom(7);
    int[] ids = new int[batch * width];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = r.nextInt(vocab);
    }
    int[] lengths = new int[batch];
    Arrays.fill(lengths, width);
    return new TokenBatch(batch, width, ids, lengths, new boolean[batch]);
  }
}
