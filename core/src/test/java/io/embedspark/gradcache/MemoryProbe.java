package io.embedspark.gradcache;

import io.embedspark.bench.InferenceBenchmark;
import io.embedspark.loss.GeminiNceLoss;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenBatch;
import java.util.Collections;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One gradient-cache step of the small preset, run in a child JVM by
 * {@link GradientCacheMemoryTest}. Arguments: pairs, tokens per sequence, chunk size, and
 * optionally the {@link BackpropEngine} (default {@code MANUAL}). Prints the
 * process's peak resident memory (VmHWM: heap, ND4J's native arrays, everything) in MB.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  public static void main(String[] args) throws java.io.IOException {
    int pairs = Integer.parseInt(args[0]);
    int width = Integer.parseInt(args[1]);
    int chunk = Integer.parseInt(args[2]);
    EncoderConfig config = EncoderPresets.small();
    BackpropEngine engine = args.length > 3 ? BackpropEngine.valueOf(args[3])
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
    GradientCache.Step step = cache.step(new ContrastiveTokens(tokens, new int[pairs], q, p), 1);
    System.out.printf("peakMB=%d loss=%.4f%n", peakResidentMegabytes(),
        step.loss().total().loss());
  }

  private static long peakResidentMegabytes() throws java.io.IOException {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    throw new IllegalStateException("no VmHWM in /proc/self/status");
  }
}
