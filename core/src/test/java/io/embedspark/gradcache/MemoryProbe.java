package io.embedspark.gradcache;

import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.backprop.BackpropEngine;
import io.embedspark.bench.InferenceBenchmark;
import io.embedspark.loss.GeminiNceLoss;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.optim.AdamW;
import io.embedspark.optim.GradientClipping;
import io.embedspark.tokenize.TokenBatch;
import java.util.Collections;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Gradient-cache training steps (each followed by clipping and an AdamW update, as a trainer
 * takes them), run in a child JVM by {@link GradientCacheMemoryTest}. Arguments: model shape
 * ({@code small}, or {@code minilm}: all-MiniLM-L6-v2's 6 x 384, 12 heads, FFN 1536, vocabulary
 * 30,522), pairs, tokens per sequence, chunk size, and optionally the number of steps (default 1)
 * and the {@link BackpropEngine} (default {@code MANUAL}). Prints the process's peak resident
 * memory (VmHWM: heap, ND4J's native arrays, everything) in MB.
 */
public final class MemoryProbe {
  /** all-MiniLM-L6-v2's shape. */
  public static final EncoderConfig MINILM = new EncoderConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12,
      0.1, 0.1, 384, java.util.List.of(96, 192, 384));

  private MemoryProbe() {}

  public static void main(String[] args) {
    EncoderConfig config = args[0].equals("minilm") ? MINILM : EncoderPresets.small();
    int pairs = Integer.parseInt(args[1]);
    int width = Integer.parseInt(args[2]);
    int chunk = Integer.parseInt(args[3]);
    int steps = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    BackpropEngine engine = args.length > 5 ? BackpropEngine.valueOf(args[5])
        : BackpropEngine.MANUAL;
    TrainableEncoder graph = engine.create(config, DataType.FLOAT, true);
    graph.load(ModelParameters.initialise(config, 1));
    GradientCache cache = new GradientCache(graph, new MatryoshkaLoss(new GeminiNceLoss(0.05),
        config.matryoshkaDims(), Collections.nCopies(config.matryoshkaDims().size(), 1.0)), chunk);
    TokenBatch tokens = InferenceBenchmark.randomBatch(config.vocabSize(), 2 * pairs, width);
    long[] q = new long[pairs];
    long[] p = new long[pairs];
    for (int i = 0; i < pairs; i++) {
      q[i] = i;
      p[i] = pairs + i;
    }
    AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.01);
    GradientCache.Step step = null;
    for (int s = 0; s < steps; s++) {
      step = cache.step(new ContrastiveTokens(tokens, new int[pairs], q, p), 1 + s);
      GradientClipping.clip(step.gradients(), 1.0);
      adam.update(graph::array, step.gradients(), 1e-4);
    }
    System.out.printf("peakMB=%d loss=%.4f%n", io.embedspark.bench.PeakMemory.peakMegabytes(),
        step.loss().total().loss());
  }
}
