package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.bench.spark.TrainStepBenchmark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embedspark bench-train-spark}: where a distributed training step's time goes. */
@Command(name = "bench-train-spark", mixinStandardHelpOptions = true,
    description = "Time global-batch steps on Spark (broadcast, embed pass, loss, backward pass "
        + "and aggregation) for several batch sizes, and parameter-averaging rounds.")
final class BenchTrainSparkCommand implements Callable<Integer> {
  @Option(names = {"--model", "--preset"}, defaultValue = "small",
      description = "A preset (tiny, small, base), a bundle or checkpoint directory, or mbert.")
  String model;

  @Mixin
  PairsOptions pairsInput;

  @Option(names = "--pairs", split = ",", defaultValue = "256,8192",
      description = "Pairs per step (default: ${DEFAULT-VALUE}).")
  List<Integer> pairs;

  @Option(names = "--width", defaultValue = "32",
      description = "Tokens per random sequence, or the most per real text.")
  int width;

  @Option(names = "--chunk-size", defaultValue = "64") int chunk;

  @Option(names = "--shards", defaultValue = "2") int shards;

  @Option(names = "--work-dir", defaultValue = "runs/bench-train-spark") Path workDir;

  @Option(names = "--skip-averaging", description = "Time only the global-batch steps.")
  boolean skipAveraging;

  @Option(names = "--master", defaultValue = SparkSessions.AUTO) String master;

  @Override
  public Integer call() throws Exception {
    try (SparkSession spark = SparkSessions.create("embedspark-bench-train-spark",
        SparkSessions.master(master))) {
      TrainStepBenchmark.Workload w = TrainStepBenchmark.workload(model, pairsInput.read(), width,
          pairs.stream().mapToInt(Integer::intValue).max().orElse(256));
      new TrainStepBenchmark(spark, System.out::println).run(w, pairs, chunk, shards, workDir,
          !skipAveraging);
    }
    return 0;
  }
}
