package io.embedspark.cli;

import io.embedspark.bench.spark.TorchReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.bench.GemmRate;
import io.embedspark.bench.InferenceBenchmark;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embedspark bench-inference}: GEMM rate, encoder inference tokens/s and model GFLOP/s,
 * and the same-shape PyTorch reference when Debian's python3-torch is installed, in one run.
 */
@Command(name = "bench-inference", mixinStandardHelpOptions = true,
    description = "Measure encoder inference throughput against GEMM and PyTorch, in one run.")
final class BenchInferenceCommand implements Callable<Integer> {
  @Option(names = "--preset", defaultValue = "small", description = "Model shape.")
  String preset;

  @Option(names = "--batches", split = ",", defaultValue = "32,128,256",
      description = "Batch sizes (sequences) to measure (default: ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--width", defaultValue = "64", description = "Tokens per sequence.")
  int width;

  @Option(names = "--iterations", defaultValue = "10", description = "Timed passes per batch.")
  int iterations;

  @Option(names = "--profile",
      description = "Also profile one batch of the largest size through the SameDiff graph by op "
          + "type, writing SameDiff's Chrome trace to this file.")
  java.nio.file.Path profile;

  @Option(names = "--blas-threads", description = "BLAS threads (default: every core).")
  Integer blasThreads;

  @Option(names = "--op-threads", defaultValue = "1",
      description = "OpenMP threads of ND4J's own ops (default: ${DEFAULT-VALUE}; ND4J's own "
          + "default is every core).")
  int opThreads;

  @Override
  public Integer call() throws Exception {
    io.embedspark.model.NativeThreads.configure(blasThreads != null ? blasThreads
        : Runtime.getRuntime().availableProcessors(), opThreads);
    EncoderConfig config = EncoderPresets.byName(preset).withoutDropout();
    if (profile != null) {
      printProfile(config);
    }
    double gemm = GemmRate.measure(1024, 10);
    System.out.printf("GEMM (ND4J, 1024^3 float32): %.1f GFLOP/s%n", gemm);
    System.out.printf("%-10s %8s %6s %12s %12s %10s%n", "engine", "batch", "width", "tokens/s",
        "GFLOP/s", "of GEMM");
    for (boolean graph : new boolean[] {false, true}) {
      for (int batch : batches) {
        InferenceBenchmark.Result r = InferenceBenchmark.run(config, batch, width, 2, iterations,
            gemm, graph);
        System.out.printf("%-10s %8d %6d %12.0f %12.1f %10.2f%n", graph ? "sd-graph" : "embedspark",
            batch, width, r.tokensPerSecond(), r.modelGflops(), r.fractionOfGemm());
      }
    }
    JsonNode torch = runTorch(config, batches.get(batches.size() - 1));
    if (torch != null) {
      System.out.printf("%-10s %8d %6d %12.0f %12.1f %10.2f   (torch %s, its GEMM %.1f GFLOP/s)%n",
          "pytorch", batches.get(batches.size() - 1), width,
          torch.get("tokens_per_second").asDouble(), torch.get("model_gflops").asDouble(),
          torch.get("model_gflops").asDouble() / torch.get("gemm_gflops").asDouble(),
          torch.get("torch").asText(), torch.get("gemm_gflops").asDouble());
    }
    return 0;
  }

  private JsonNode runTorch(EncoderConfig c, int batch) throws IOException, InterruptedException {
    return TorchReference.run("torch_inference.py", "--vocab", "" + c.vocabSize(),
        "--hidden", "" + c.hiddenSize(), "--layers", "" + c.numLayers(),
        "--heads", "" + c.numHeads(), "--ffn", "" + c.intermediateSize(), "--batch", "" + batch,
        "--width", "" + width, "--iterations", "" + iterations);
  }

  private void printProfile(EncoderConfig config) throws IOException {
    int batch = batches.get(batches.size() - 1);
    var ops = io.embedspark.bench.GraphProfile.run(config, batch, width, profile);
    double total = ops.values().stream().mapToDouble(o -> o.milliseconds()).sum();
    System.out.printf("SameDiff graph profile, batch %d x %d: %.0f ms of op time (trace: %s)%n",
        batch, width, total, profile);
    ops.forEach((name, o) -> System.out.printf("  %-16s %8.1f ms %5d ops%n", name,
        o.milliseconds(), o.count()));
  }
}
