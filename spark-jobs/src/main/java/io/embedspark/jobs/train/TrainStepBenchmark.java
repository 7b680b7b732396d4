package io.embedspark.jobs.train;

import io.embedspark.bench.TrainingBenchmark;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingExample;
import io.embedspark.gradcache.BackpropEngine;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.TrainableEncoder;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.PresetModels;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.train.BatchSource;
import io.embedspark.train.ContrastiveTrainer;
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

  public void run(String preset, List<Integer> pairSizes, int width, int chunk, int shards,
      Path workDir, boolean withAveraging) {
    EncoderConfig config = EncoderPresets.byName(preset).withoutDropout();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainerConfig trainer = new TrainerConfig(1, 8, chunk, 1e-4, 0, 0.1, 0.01, 1.0, 0.05,
        List.of(), false, 1, 1L);
    TrainableEncoder driver = BackpropEngine.MANUAL.create(config, DataType.FLOAT, false);
    driver.load(ModelParameters.initialise(config, 1));
    SparkGradientStep step = new SparkGradientStep(jsc, driver,
        ContrastiveTrainer.loss(trainer, config), chunk, shards, false);
    step.step(TrainingBenchmark.randomPairs(config.vocabSize(), 32, width), 0);
    out.accept(String.format("%-38s %8s %9s %8s %7s %9s %8s %8s %11s", "mode", "pairs",
        "broadcast", "embed", "loss", "backward", "assemble", "total", "ms per pair"));
    for (int pairs : pairSizes) {
      ContrastiveTokens batch = TrainingBenchmark.randomPairs(config.vocabSize(), pairs, width);
      step.step(batch, 1);
      SparkGradientStep.Timings t = step.lastTimings();
      out.accept(String.format("%-38s %8d %9.2f %8.2f %7.2f %9.2f %8.2f %8.2f %11.2f",
          "global batch, " + shards + " shards, chunk " + chunk, pairs, t.broadcast(), t.embed(),
          t.loss(), t.backward(), t.assemble(), t.total(), 1000 * t.total() / pairs));
    }
    int smallest = pairSizes.stream().mapToInt(Integer::intValue).min().orElseThrow();
    GradientCache local = new GradientCache(driver, ContrastiveTrainer.loss(trainer, config),
        chunk);
    long t0 = System.nanoTime();
    local.step(TrainingBenchmark.randomPairs(config.vocabSize(), smallest, width), 2);
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.accept(String.format("%-38s %8d %9s %8s %7s %9s %8s %8.2f %11.2f",
        "single machine, chunk " + chunk, smallest, "", "", "", "", "", seconds,
        1000 * seconds / smallest));
    if (withAveraging) {
      averaging(preset, pairSizes, width, chunk, shards, workDir);
    }
  }

  /** One round of one local step per replica, each on pairs / shards examples. */
  private void averaging(String preset, List<Integer> pairSizes, int width, int chunk,
      int shards, Path workDir) {
    int largest = pairSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    List<TrainingExample> examples = syntheticPairs(largest, width);
    List<String> corpus = new ArrayList<>();
    for (TrainingExample e : examples.subList(0, Math.min(2000, examples.size()))) {
      corpus.add(e.query());
      corpus.add(e.positive());
    }
    CheckpointBundle start = PresetModels.initialise(preset, corpus, 8000, width, 1, "synthetic");
    for (int pairs : pairSizes) {
      int perShard = Math.max(2, pairs / shards);
      TrainerConfig c = new TrainerConfig(1, perShard, chunk, 1e-4, 0, 0.1, 0.01, 1.0, 0.05,
          List.of(), false, 1, 1L);
      Path run = workDir.resolve("averaging-" + pairs + "-" + System.nanoTime());
      long t0 = System.nanoTime();
      new ParameterAveragingTrainer(JavaSparkContext.fromSparkContext(spark.sparkContext()), c,
          TaskPrompts.retrievalDefaults(), run, DataType.FLOAT, line -> { }, shards, 1)
          .train(start, BatchSource.of(examples, perShard, 1L), 1);
      double seconds = (System.nanoTime() - t0) / 1e9;
      out.accept(String.format("%-38s %8d %9s %8s %7s %9s %8s %8.2f %11.2f",
          "parameter averaging, " + shards + " x " + perShard + ", k = 1", perShard * shards,
          "", "", "", "", "", seconds, 1000 * seconds / (perShard * shards)));
    }
  }

  /** Pairs of random words long enough to fill {@code width} tokens. */
  static List<TrainingExample> syntheticPairs(int n, int width) {
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
