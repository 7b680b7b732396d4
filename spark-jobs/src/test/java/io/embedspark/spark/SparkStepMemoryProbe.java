package io.embedspark.spark;

import io.embedspark.backprop.BackpropEngine;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.gradcache.MemoryProbe;
import io.embedspark.loss.GeminiNceLoss;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ProcessMemory;
import io.embedspark.nd4j.OpFence;
import io.embedspark.optim.AdamW;
import io.embedspark.optim.GradientClipping;
import io.embedspark.tokenize.TokenBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spark global-batch training steps as the train job takes them (the step across two executor
 * threads, clipping, AdamW), run in a child JVM by {@link SparkStepMemoryIT}. Every step is a
 * new batch of sequences of random lengths, so chunk widths and the word-table rows a batch
 * touches change from step to step, as with real text. Arguments: steps, pairs, longest sequence,
 * chunk size, and megabytes of native memory to keep per step (0; more makes the leak the
 * negative control looks for). Prints the resident size after every step.
 */
public final class SparkStepMemoryProbe {
  /** all-MiniLM-L6-v2's shape: 6 x 384, 12 heads, FFN 1536, vocabulary 30,522. */
  private static final EncoderConfig MINILM = MemoryProbe.MINILM;

  private SparkStepMemoryProbe() {}

  public static void main(String[] args) {
    int steps = Integer.parseInt(args[0]);
    int pairs = Integer.parseInt(args[1]);
    int longest = Integer.parseInt(args[2]);
    int chunk = Integer.parseInt(args[3]);
    int leakMb = Integer.parseInt(args[4]);
    SparkSession spark = SparkSession.builder().appName("SparkStepMemoryProbe")
        .master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    System.out.println("fenced=" + OpFence.active());
    TrainableEncoder driver = BackpropEngine.MANUAL.create(MINILM, DataType.FLOAT, true);
    driver.load(ModelParameters.initialise(MINILM, 1));
    MatryoshkaLoss loss = new MatryoshkaLoss(new GeminiNceLoss(0.05), MINILM.matryoshkaDims(),
        Collections.nCopies(MINILM.matryoshkaDims().size(), 1.0));
    SparkGradientStep step = new SparkGradientStep(
        JavaSparkContext.fromSparkContext(spark.sparkContext()), driver, loss, chunk, 2, true);
    AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.01);
    SplittableRandom random = new SplittableRandom(11);
    List<INDArray> leaked = new ArrayList<>();
    for (int s = 1; s <= steps; s++) {
      step.beginStep(s);
      GradientStep.Step result = step.step(batch(random, pairs, longest), s);
      GradientClipping.clip(result.gradients(), 1.0);
      adam.update(driver::array, result.gradients(), 1e-4);
      if (leakMb > 0) {
        leaked.add(Nd4j.ones(DataType.FLOAT, leakMb << 18)); // touched, so resident
      }
      System.out.printf("step=%d rssMB=%d loss=%.4f%n", s, ProcessMemory.residentMegabytes(),
          result.loss().total().loss());
    }
    spark.stop();
  }

  /** Queries of 4 to longest / 4 tokens and passages of longest / 4 to longest, as real pairs. */
  private static ContrastiveTokens batch(SplittableRandom random, int pairs, int longest) {
    int n = 2 * pairs;
    int[] lengths = new int[n];
    int width = 0;
    for (int i = 0; i < n; i++) {
      lengths[i] = i < pairs ? random.nextInt(4, longest / 4 + 1)
          : random.nextInt(longest / 4, longest + 1);
      width = Math.max(width, lengths[i]);
    }
    int[] ids = new int[n * width];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < lengths[i]; t++) {
        ids[i * width + t] = 1 + random.nextInt(MINILM.vocabSize() - 1);
      }
    }
    long[] q = new long[pairs];
    long[] p = new long[pairs];
    for (int i = 0; i < pairs; i++) {
      q[i] = i;
      p[i] = pairs + i;
    }
    return new ContrastiveTokens(new TokenBatch(n, width, ids, lengths, new boolean[n]),
        new int[pairs], q, p);
  }
}
