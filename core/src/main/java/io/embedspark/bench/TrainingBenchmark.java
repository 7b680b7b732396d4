package io.embedspark.bench;

import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.BackpropEngine;
import io.embedspark.gradcache.TrainableEncoder;
import io.embedspark.loss.GeminiNceLoss;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.optim.AdamW;
import io.embedspark.tokenize.TokenBatch;
import java.util.Collections;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Training throughput of full steps (gradient-cache step, AdamW update) on random pairs of
 * full-length sequences, without dropout (as the PyTorch reference). Model FLOPs count the useful
 * work, three forward passes' worth (forward and backward), also with the gradient cache, whose
 * extra embedding pass (and, for the hand-derived backward pass, its recomputed forward pass) is
 * its overhead.
 */
public final class TrainingBenchmark {
  private TrainingBenchmark() {}

  /** One measurement. */
  public record Result(int pairs, int width, int chunkSize, double tokensPerSecond,
      double modelGflops, double secondsPerStep) {}

  public static Result run(EncoderConfig config, BackpropEngine engine, int pairs, int width,
      int chunkSize, int warmup, int steps) {
    TrainableEncoder graph = engine.create(config, DataType.FLOAT, false);
    graph.load(ModelParameters.initialise(config, 1));
    GradientCache cache = new GradientCache(graph, new MatryoshkaLoss(new GeminiNceLoss(0.05),
        config.matryoshkaDims(), Collections.nCopies(config.matryoshkaDims().size(), 1.0)),
        chunkSize);
    AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.01);
    ContrastiveTokens batch = randomPairs(config.vocabSize(), pairs, width);
    for (int i = 0; i < warmup; i++) {
      adam.update(graph::array, cache.step(batch, i).gradients(), 1e-4);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      adam.update(graph::array, cache.step(batch, warmup + i).gradients(), 1e-4);
    }
    double seconds = (System.nanoTime() - t0) / 1e9 / steps;
    int sequences = 2 * pairs;
    double flops = 3 * EncoderFlops.forward(config, sequences, width);
    return new Result(pairs, width, chunkSize, (double) sequences * width / seconds,
        flops / seconds / 1e9, seconds);
  }

  /** Pairs of random full-length sequences with distinct keys. */
  public static ContrastiveTokens randomPairs(int vocab, int pairs, int width) {
    TokenBatch tokens = InferenceBenchmark.randomBatch(vocab, 2 * pairs, width);
    long[] queryKeys = new long[pairs];
    long[] positiveKeys = new long[pairs];
    for (int i = 0; i < pairs; i++) {
      queryKeys[i] = i;
      positiveKeys[i] = pairs + i;
    }
    return new ContrastiveTokens(tokens, new int[pairs], queryKeys, positiveKeys);
  }
}
