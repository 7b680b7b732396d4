package io.embedspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.bench.GemmRate;
import io.embedspark.bench.InferenceBenchmark;
import io.embedspark.bench.TrainingBenchmark;
import io.embedspark.gradcache.BackpropEngine;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embedspark bench-train}: GEMM rate, training tokens/s and model GFLOP/s with and without
 * the gradient cache, inference tokens/s, and the same-shape PyTorch training reference, in one run.
 */
@Command(name = "bench-train", mixinStandardHelpOptions = true,
    description = "Measure training throughput with and without the gradient cache against GEMM "
        + "and PyTorch, in one run.")
final class BenchTrainCommand implements Callable<Integer> {
  @Option(names = "--preset", defaultValue = "small", description = "Model shape.")
  String preset;

  @Option(names = "--pairs", defaultValue = "64", description = "Pairs per step.")
  int pairs;

  @Option(names = "--width", defaultValue = "64", description = "Tokens per sequence.")
  int width;

  @Option(names = "--chunk-size", defaultValue = "32",
      description = "Sequences per gradient-cache pass (default: ${DEFAULT-VALUE}).")
  int chunkSize;

  @Option(names = "--steps", defaultValue = "3", description = "Timed steps per mode.")
  int steps;

  @Override
  public Integer call() throws Exception {
    EncoderConfig config = EncoderPresets.byName(preset);
    double gemm = GemmRate.measure(1024, 10);
    System.out.printf("GEMM (ND4J, 1024^3 float32): %.1f GFLOP/s%n", gemm);
    System.out.printf("%-26s %10s %12s %12s %10s%n", "mode", "s/step", "tokens/s", "GFLOP/s",
        "of GEMM");
    for (BackpropEngine engine : BackpropEngine.values()) {
      for (int chunk : new int[] {2 * pairs, chunkSize}) {
        TrainingBenchmark.Result r = TrainingBenchmark.run(config, engine, pairs, width, chunk, 1,
            steps);
        String mode = engine.name().toLowerCase(java.util.Locale.ROOT)
            + (chunk == 2 * pairs ? ", one pass" : ", grad cache " + chunk);
        System.out.printf("%-26s %10.2f %12.0f %12.1f %10.2f%n", mode, r.secondsPerStep(),
            r.tokensPerSecond(), r.modelGflops(), r.modelGflops() / gemm);
      }
    }
    InferenceBenchmark.Result inf = InferenceBenchmark.run(config.withoutDropout(), 2 * pairs,
        width, 2, 5, gemm, false);
    System.out.printf("%-26s %10s %12.0f %12.1f %10.2f%n", "inference", "", inf.tokensPerSecond(),
        inf.modelGflops(), inf.fractionOfGemm());
    JsonNode torch = TorchReference.run("torch_train.py", "--vocab", "" + config.vocabSize(),
        "--hidden", "" + config.hiddenSize(), "--layers", "" + config.numLayers(),
        "--heads", "" + config.numHeads(), "--ffn", "" + config.intermediateSize(),
        "--pairs", "" + pairs, "--width", "" + width, "--steps", "" + steps);
    if (torch != null) {
      System.out.printf("%-26s %10s %12.0f %12.1f %10.2f   (torch %s, its GEMM %.1f GFLOP/s)%n",
          "pytorch train, one pass", "", torch.get("tokens_per_second").asDouble(),
          torch.get("model_gflops").asDouble(),
          torch.get("model_gflops").asDouble() / torch.get("gemm_gflops").asDouble(),
          torch.get("torch").asText(), torch.get("gemm_gflops").asDouble());
    }
    return 0;
  }
}
