package io.embedspark.bench;

import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.model.EncoderConfig;
import io.embedspark.optim.AdamW;
import io.embedspark.optim.GradientClipping;
import io.embedspark.tokenize.TokenBatch;
import java.util.List;

/**
 * Training throughput of full steps (a gradient step, clipping, an AdamW update), as the trainers
 * take them, over given batches. Model FLOPs count the useful work, three forward passes' worth
 * (forward and backward) on each sequence's own length, also with the gradient cache, whose extra
 * embedding pass (and, for the hand-derived backward pass, its recomputed forward pass) is its
 * overhead. Peak resident memory is the process's own, reset before the mode.
 */
public final class TrainingBenchmark {
  private TrainingBenchmark() {}

  /** One measurement; {@code peakMegabytes} is -1 where it cannot be read. */
  public record Result(String mode, double secondsPerStep, double tokensPerSecond,
      double modelGflops, long peakMegabytes) {}

  /**
   * Runs {@code warmup} untimed steps on the first batch, then one timed step per batch.
   *
   * @param encoder the encoder whose parameters the steps update
   */
  public static Result time(String mode, EncoderConfig config, TrainableEncoder encoder,
      GradientStep step, List<ContrastiveTokens> batches, int warmup) {
    AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.01);
    PeakMemory.reset();
    for (int w = 0; w < warmup; w++) {
      update(encoder, adam, step.step(batches.get(0), -1 - w));
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < batches.size(); i++) {
      update(encoder, adam, step.step(batches.get(i), 1 + i));
    }
    double seconds = (System.nanoTime() - t0) / 1e9 / batches.size();
    double tokens = TrainingBatches.realTokens(batches) / (double) batches.size();
    double flops = 3 * TrainingBatches.forwardFlops(config, batches) / batches.size();
    return new Result(mode, seconds, tokens / seconds, flops / seconds / 1e9,
        PeakMemory.peakMegabytes());
  }

  private static void update(TrainableEncoder encoder, AdamW adam, GradientStep.Step s) {
    GradientClipping.clip(s.gradients(), 1.0);
    adam.update(encoder::array, s.gradients(), 1e-4);
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
