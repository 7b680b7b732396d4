package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.spark.VectorSample;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedspark vectors}: rows of an embedding table as JSON lines ({@link VectorSample}). */
@Command(name = "vectors", mixinStandardHelpOptions = true,
    description = "Write rows of the embed job's Parquet output (id and one Matryoshka dim) as "
        + "JSON lines {id, embedding}, for notebooks and tools without a Parquet reader.")
final class VectorsCommand implements Callable<Integer> {
  @Option(names = "--input", required = true,
      description = "The embed job's output directory (any Hadoop file system).")
  String input;

  @Option(names = "--dim", required = true, description = "Matryoshka dim: embedding_<dim>.")
  int dim;

  @Option(names = "--limit", defaultValue = "5000",
      description = "Rows to write: a seeded uniform sample when the table has more "
          + "(default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the sample.")
  long seed;

  @Option(names = "--out", required = true, description = "JSON-lines file to write (local).")
  Path out;

  @Option(names = "--master", defaultValue = SparkSessions.AUTO,
      description = "Spark master (default: local[*] outside spark-submit).")
  String master;

  @Override
  public Integer call() throws Exception {
    try (SparkSession spark = SparkSessions.create("embedspark-vectors",
        SparkSessions.master(master))) {
      long rows = VectorSample.write(spark, input, dim, limit, seed, out);
      Console.log("wrote %,d rows of %s (embedding_d%d) to %s", rows, input, dim, out);
    }
    return 0;
  }
}
