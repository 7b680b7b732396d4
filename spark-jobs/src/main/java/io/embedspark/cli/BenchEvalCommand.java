package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.bench.spark.SearchBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedspark bench-eval}: exact top-k retrieval speed of the eval job. */
@Command(name = "bench-eval", mixinStandardHelpOptions = true,
    description = "Measure the eval job's exact top-k search over a Parquet corpus against the "
        + "GEMM rate and a per-query in-memory scan, in one run.")
final class BenchEvalCommand implements Callable<Integer> {
  @Option(names = "--docs", defaultValue = "200000", description = "Corpus size.")
  int docs;

  @Option(names = "--queries", defaultValue = "4096", description = "Queries.")
  int queries;

  @Option(names = "--dim", defaultValue = "256", description = "Embedding dimension.")
  int dim;

  @Option(names = "--k", defaultValue = "100", description = "Hits per query.")
  int k;

  @Option(names = "--partitions", defaultValue = "8", description = "Corpus partitions.")
  int partitions;

  @Option(names = "--scan-queries", defaultValue = "64",
      description = "Queries timed for the in-memory scan (its time is scaled to --queries).")
  int scanQueries;

  @Option(names = "--work-dir", defaultValue = "runs/bench-eval", description = "Scratch space.")
  Path workDir;

  @Option(names = "--master", defaultValue = SparkSessions.AUTO, description = "Spark master.")
  String master;

  @Override
  public Integer call() throws Exception {
    try (SparkSession spark = SparkSessions.create("embedspark-bench-eval",
        SparkSessions.master(master))) {
      new SearchBenchmark(spark, System.out::println).run(docs, queries, dim, k, partitions,
          scanQueries, workDir);
    }
    return 0;
  }
}
