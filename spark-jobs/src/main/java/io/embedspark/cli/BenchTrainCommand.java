package io.embedspark.cli;

import io.embedspark.bench.spark.TorchReference;
import io.embedspark.spark.SparkSessions;
import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.bench.BenchModels;
import io.embedspark.bench.GemmRate;
import io.embedspark.bench.PeakMemory;
import io.embedspark.bench.TrainingBatches;
import io.embedspark.bench.TrainingBenchmark;
import io.embedspark.data.TrainingExample;
import io.embedspark.backprop.BackpropEngine;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.spark.SparkGradientStep;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.train.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code embedspark bench-train}: training steps of any model (a preset, a bundle, an importable
 * checkpoint, {@code mbert}) on real (query, passage) pairs cut by its tokenizer, or on random
 * full-length sequences: the one-pass step, the gradient-cache step and the Spark global-batch
 * step, against the GEMM rate and a PyTorch run of the very same batches, with each mode's peak
 * resident memory, in one run.
 */
@Command(name = "bench-train", mixinStandardHelpOptions = true,
    description = "Measure training steps (one pass, gradient cache, Spark global batch) against "
        + "GEMM and PyTorch on the same batches, in one run.")
final class BenchTrainCommand implements Callable<Integer> {
  @Option(names = "--model", defaultValue = "small",
      description = "A preset (tiny, small, base), a bundle or checkpoint directory, or mbert.")
  String model;

  @Option(names = "--layers", defaultValue = "0",
      description = "Keep only the model's first N layers (0: all).")
  int layers;

  @Mixin
  PairsOptions pairsInput;

  @Option(names = "--max-length", defaultValue = "128",
      description = "Tokens per text at most, special tokens included (with --data).")
  int maxLength;

  @Option(names = "--pairs", split = ",", defaultValue = "64",
      description = "Pairs per step, one or several (default: ${DEFAULT-VALUE}).")
  List<Integer> pairs;

  @Option(names = "--width", defaultValue = "64",
      description = "Tokens per random sequence (without --data).")
  int width;

  @Option(names = "--chunk-size", defaultValue = "32",
      description = "Sequences per gradient-cache pass (default: ${DEFAULT-VALUE}).")
  int chunkSize;

  @Option(names = "--steps", defaultValue = "3", description = "Timed steps per mode.")
  int steps;

  @Option(names = "--warmup", defaultValue = "1",
      description = "Untimed steps per mode before them (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--modes", split = ",", defaultValue = "one-pass,cache,spark,torch",
      description = "Any of one-pass, cache, samediff, spark, torch (default: ${DEFAULT-VALUE}).")
  List<String> modes;

  @Option(names = "--shards", defaultValue = "2", description = "Spark tasks per pass.")
  int shards;

  @Option(names = "--master", defaultValue = SparkSessions.AUTO) String master;

  @Override
  public Integer call() throws Exception {
    CheckpointBundle bundle = bundle();
    EncoderConfig config = bundle.config().model().withoutDropout();
    double gemm = GemmRate.measure(1024, 10);
    System.out.printf("model %s: %d layers x %d, vocabulary %d, %,d parameters%n", model,
        config.numLayers(), config.hiddenSize(), config.vocabSize(), bundle.parameters().count());
    System.out.printf("GEMM (ND4J, 1024^3 float32): %.1f GFLOP/s%n", gemm);
    for (int p : pairs) {
      List<ContrastiveTokens> batches = batches(bundle, p);
      System.out.println(TrainingBatches.describe(batches));
      System.out.printf("%-34s %9s %10s %9s %8s %9s%n", "mode", "s/step", "tokens/s", "GFLOP/s",
          "of GEMM", "peak MB");
      for (String mode : modes) {
        TrainingBenchmark.Result r = run(mode, bundle, config, batches);
        if (r != null) {
          System.out.printf("%-34s %9.2f %10.0f %9.1f %8.2f %9d%n", r.mode(), r.secondsPerStep(),
              r.tokensPerSecond(), r.modelGflops(), r.modelGflops() / gemm, r.peakMegabytes());
        }
      }
    }
    return 0;
  }

  private TrainingBenchmark.Result run(String mode, CheckpointBundle bundle, EncoderConfig config,
      List<ContrastiveTokens> batches) throws Exception {
    int sequences = batches.get(0).sequences().size();
    return switch (mode) {
      case "one-pass" -> local("manual, one pass", BackpropEngine.MANUAL, bundle, config,
          batches, sequences);
      case "cache" -> local("manual, gradient cache " + chunkSize, BackpropEngine.MANUAL, bundle,
          config, batches, chunkSize);
      case "samediff" -> local("samediff, gradient cache " + chunkSize, BackpropEngine.SAMEDIFF,
          bundle, config, batches, chunkSize);
      case "spark" -> spark(bundle, config, batches);
      case "torch" -> torch(config, batches);
      default -> throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--modes: unknown mode '" + mode
              + "'; expected one-pass, cache, samediff, spark or torch");
    };
  }

  private TrainingBenchmark.Result local(String name, BackpropEngine engine,
      CheckpointBundle bundle, EncoderConfig config, List<ContrastiveTokens> batches, int chunk) {
    TrainableEncoder encoder = encoder(engine, bundle, config);
    return TrainingBenchmark.time(name, config, encoder,
        new GradientCache(encoder, loss(config), chunk), batches, warmup);
  }

  private TrainingBenchmark.Result spark(CheckpointBundle bundle, EncoderConfig config,
      List<ContrastiveTokens> batches) throws Exception {
    try (SparkSession spark = SparkSessions.create("embedspark-bench-train",
        SparkSessions.master(master))) {
      TrainableEncoder driver = encoder(BackpropEngine.MANUAL, bundle, config);
      SparkGradientStep step = new SparkGradientStep(
          JavaSparkContext.fromSparkContext(spark.sparkContext()), driver, loss(config),
          chunkSize, shards, false);
      TrainingBenchmark.Result r = TrainingBenchmark.time("spark global batch, " + shards
          + " shards, chunk " + chunkSize, config, driver, step, batches, warmup);
      SparkGradientStep.Timings t = step.lastTimings();
      System.out.printf(Locale.ROOT, "  last Spark step: broadcast %.2f s, embed %.2f s, loss "
          + "%.2f s, backward %.2f s, assemble %.2f s; %,d of %,d table rows travelled%n",
          t.broadcast(), t.embed(), t.loss(), t.backward(), t.assemble(), t.tableRows(),
          config.vocabSize());
      return r;
    }
  }

  private TrainingBenchmark.Result torch(EncoderConfig config, List<ContrastiveTokens> batches)
      throws Exception {
    JsonNode t = TorchReference.runWithInput("torch_train.py", TrainingBatches.toJson(batches),
        "--vocab", "" + config.vocabSize(), "--hidden", "" + config.hiddenSize(),
        "--layers", "" + config.numLayers(), "--heads", "" + config.numHeads(),
        "--ffn", "" + config.intermediateSize(), "--positions", "" + config.maxPositions(),
        "--output", "" + config.outputDim(), "--warmup", "" + warmup, "--batches", "-");
    if (t == null) {
      return null;
    }
    double seconds = t.get("seconds_per_step").asDouble();
    double flops = 3 * TrainingBatches.forwardFlops(config, batches) / batches.size();
    return new TrainingBenchmark.Result("pytorch " + t.get("torch").asText() + ", one pass",
        seconds, TrainingBatches.realTokens(batches) / (double) batches.size() / seconds,
        flops / seconds / 1e9, t.get("peak_mb").asLong());
  }

  private TrainableEncoder encoder(BackpropEngine engine, CheckpointBundle bundle,
      EncoderConfig config) {
    TrainableEncoder e = engine.create(config, DataType.FLOAT, false);
    e.load(bundle.parameters());
    return e;
  }

  private static MatryoshkaLoss loss(EncoderConfig config) {
    TrainerConfig t = new TrainerConfig(1, 2, 1, 1e-4, 0, 0.1, 0.01, 1.0, 0.05, List.of(), false,
        1, 1L);
    return ContrastiveTrainer.loss(t, config);
  }

  private List<ContrastiveTokens> batches(CheckpointBundle bundle, int p) {
    List<TrainingExample> examples = pairsInput.read();
    if (examples == null) {
      return TrainingBatches.random(bundle.config().model().vocabSize(), p, width, steps);
    }
    try (TextTokenizer t = bundle.tokenizer()) {
      return TrainingBatches.fromPairs(examples, t, p, steps, 1L);
    }
  }

  /** A preset gets a vocabulary trained on the pairs when there are pairs. */
  private CheckpointBundle bundle() {
    List<TrainingExample> examples = pairsInput.read();
    List<String> texts = null;
    if (examples != null) {
      texts = new ArrayList<>();
      for (TrainingExample e : examples.subList(0, Math.min(2000, examples.size()))) {
        texts.add(e.query());
        texts.add(e.positive());
      }
    }
    CheckpointBundle b = BenchModels.open(model, maxLength, texts);
    PeakMemory.reset();
    return layers > 0 ? b.withFirstLayers(layers) : b;
  }
}
