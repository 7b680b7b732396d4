package io.embedspark.bench.spark;

import io.embedspark.bench.BenchModels;
import io.embedspark.bench.TrainingBatches;
import io.embedspark.bench.TrainingBenchmark;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingExample;
import io.embedspark.backprop.BackpropEngine;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.model.EncoderConfig;
import io.embedspark.spark.ParameterAveraging;
import io.embedspark.spark.SparkGradientStep;
import io.embedspark.train.BatchSource;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.train.TrainerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The cost of distributed training steps of a preset on random full-length sequences: a
 * global-batch step broken into broadcast, embed pass, loss, backward pass with aggregation and
 * assembly, for several batch sizes (time per pair shows what a large batch costs beyond its
 * size); the single-machine gradient-cache step of the smallest batch for reference; and one
 * parameter-averaging round of one local step per replica on the same number of pairs.
 */
public final class TrainStepBenchmark {
  private final SparkSession spark;
  private final Consumer<String> out;

  public TrainStepBenchmark(SparkSession spark, Consumer<String> out) {
    this.spark = spark;
    this.out = out;
  }

  /** What the benchmark trains: a model and where its batches come from. */
  public record Workload(CheckpointBundle model, List<TrainingExample> examples,
      boolean realTexts, int width) {}

  /**
   * A preset on random full-length sequences (its vocabulary trained on synthetic pairs), or any
   * model on real pairs cut by its tokenizer.
   */
  public static Workload workload(String modelSpec, List<TrainingExample> pairs, int width,
      int largestBatch) {
    List<TrainingExample> examples = pairs != null ? pairs : syntheticPairs(largestBatch, width);
    List<String> corpus = new ArrayList<>();
    for (TrainingExample e : examples.subList(0, Math.min(2000, examples.size()))) {
      corpus.add(e.query());
      corpus.add(e.positive());
    }
    return new Workload(BenchModels.open(modelSpec, width, corpus), examples, pairs != null,
        width);
  }

  /** One contrastive batch of {@code pairs} examples of the workload. */
  private static ContrastiveTokens batch(Workload w, int pairs) {
    if (!w.realTexts()) {
      return TrainingBenchmark.randomPairs(w.model().config().model().vocabSize(), pairs,
          w.width());
    }
    try (TextTokenizer t = w.model().tokenizer()) {
      return TrainingBatches.fromPairs(w.examples(), t, pairs, 1, pairs).get(0);
    }
  }

  public void run(Workload w, List<Integer> pairSizes, int chunk, int shards, Path workDir,
      boolean withAveraging) {
    EncoderConfig config = w.model().config().model().withoutDropout();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainerConfig trainer = new TrainerConfig(1, 8, chunk, 1e-4, 0, 0.1, 0.01, 1.0, 0.05,
        List.of(), false, 1, 1L);
    TrainableEncoder driver = BackpropEngine.MANUAL.create(config, DataType.FLOAT, false);
    driver.load(w.model().parameters());
    SparkGradientStep step = new SparkGradientStep(jsc, driver,
        ContrastiveTrainer.loss(trainer, config), chunk, shards, false);
    step.step(batch(w, Math.min(32, pairSizes.get(0))), 0);
    out.accept(String.format("%-38s %8s %9s %8s %7s %9s %8s %8s %11s %10s", "mode", "pairs",
        "broadcast", "embed", "loss", "backward", "assemble", "total", "ms per pair",
        "table rows"));
    for (int pairs : pairSizes) {
      step.step(batch(w, pairs), 1);
      SparkGradientStep.Timings t = step.lastTimings();
      out.accept(String.format("%-38s %8d %9.2f %8.2f %7.2f %9.2f %8.2f %8.2f %11.2f %10d",
          "global batch, " + shards + " shards, chunk " + chunk, pairs, t.broadcast(), t.embed(),
          t.loss(), t.backward(), t.assemble(), t.total(), 1000 * t.total() / pairs,
          t.tableRows()));
    }
    int smallest = pairSizes.stream().mapToInt(Integer::intValue).min().orElseThrow();
    GradientCache local = new GradientCache(driver, ContrastiveTrainer.loss(trainer, config),
        chunk);
    long t0 = System.nanoTime();
    local.step(batch(w, smallest), 2);
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.accept(String.format("%-38s %8d %9s %8s %7s %9s %8s %8.2f %11.2f",
        "single machine, chunk " + chunk, smallest, "", "", "", "", "", seconds,
        1000 * seconds / smallest));
    if (withAveraging) {
      averaging(w, pairSizes, chunk, shards, workDir);
    }
  }

  /** One round of one local step per replica, each on pairs / shards examples. */
  private void averaging(Workload w, List<Integer> pairSizes, int chunk, int shards,
      Path workDir) {
    for (int pairs : pairSizes) {
      int perShard = Math.max(2, pairs / shards);
      TrainerConfig c = new TrainerConfig(1, perShard, chunk, 1e-4, 0, 0.1, 0.01, 1.0, 0.05,
          List.of(), false, 1, 1L);
      Path run = workDir.resolve("averaging-" + pairs + "-" + System.nanoTime());
      long t0 = System.nanoTime();
      new ContrastiveTrainer(c, TaskPrompts.retrievalDefaults(), run, DataType.FLOAT,
          line -> { }, new ParameterAveraging(
              JavaSparkContext.fromSparkContext(spark.sparkContext()), shards, 1))
          .train(w.model(), BatchSource.of(w.examples(), perShard, 1L), 1);
      double seconds = (System.nanoTime() - t0) / 1e9;
      out.accept(String.format("%-38s %8d %9s %8s %7s %9s %8s %8.2f %11.2f",
          "parameter averaging, " + shards + " x " + perShard + ", k = 1", perShard * shards,
          "", "", "", "", "", seconds, 1000 * seconds / (perShard * shards)));
    }
  }

  /** Pairs of random words long enough to fill {@code width} tokens. */
  public static List<TrainingExample> syntheticPairs(int n, int width) {
    String[] words = ("library file manager shared terminal emulator desktop audio video image "
        + "network server client database python perl haskell ocaml rust java kernel driver "
        + "font theme editor compiler debugger parser archive backup monitor scanner printer "
        + "game puzzle chess music player codec stream protocol daemon service plugin module")
        .split(" ");
    SplittableRandom r = new SplittableRandom(5);
    List<TrainingExample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new TrainingExample("s" + i, "retrieval", text(words, r, width / 2),
          text(words, r, width), List.of()));
    }
    return out;
  }

  private static String text(String[] words, SplittableRandom r, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
    }
    return sb.toString();
  }
}
