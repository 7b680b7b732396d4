package io.embedspark.bench.spark;

import io.embedspark.jobs.eval.DistributedTopK;
import io.embedspark.bench.GemmRate;
import io.embedspark.eval.NearestNeighbours;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Exact top-k retrieval speed: the eval job's distributed search ({@link DistributedTopK}) over a
 * Parquet corpus of random unit vectors, against the matrix-product rate measured in the same run
 * and against a per-query scan of the same vectors in memory on the driver
 * ({@link NearestNeighbours}, what a naive evaluator does).
 */
public final class SearchBenchmark {
  private final SparkSession spark;
  private final Consumer<String> out;

  public SearchBenchmark(SparkSession spark, Consumer<String> out) {
    this.spark = spark;
    this.out = out;
  }

  /** Runs the benchmark and prints a Markdown table. */
  public void run(int docs, int queries, int dim, int k, int partitions, int scanQueries,
      Path workDir) {
    SplittableRandom r = new SplittableRandom(5);
    float[][] corpus = new float[docs][];
    List<Row> rows = new ArrayList<>(docs);
    for (int i = 0; i < docs; i++) {
      corpus[i] = unit(r, dim);
      List<Float> v = new ArrayList<>(dim);
      for (float f : corpus[i]) {
        v.add(f);
      }
      rows.add(RowFactory.create("d" + i, v));
    }
    float[][] q = new float[queries][];
    for (int i = 0; i < queries; i++) {
      q[i] = unit(r, dim);
    }
    String path = workDir.resolve("corpus").toString();
    StructType schema = new StructType().add("id", DataTypes.StringType)
        .add("embedding_d" + dim, DataTypes.createArrayType(DataTypes.FloatType));
    spark.createDataFrame(rows, schema).repartition(partitions).write().mode(SaveMode.Overwrite)
        .parquet(path);
    rows.clear();
    Dataset<Row> parquet = spark.read().parquet(path);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    double gemm = GemmRate.measure(1024, 5);
    // Warm-up pass (JIT, native libraries on the executors), then the timed pass.
    DistributedTopK.search(jsc, parquet, new int[] {dim}, new float[][][] {slice(q, 256)}, k,
        2048);
    long t0 = System.nanoTime();
    DistributedTopK.search(jsc, parquet, new int[] {dim}, new float[][][] {q}, k, 2048);
    double distributed = (System.nanoTime() - t0) / 1e9;
    int scanned = Math.min(scanQueries, queries);
    long t1 = System.nanoTime();
    for (int i = 0; i < scanned; i++) {
      NearestNeighbours.topK(q[i], corpus, k);
    }
    double scan = (System.nanoTime() - t1) / 1e9 * queries / scanned;
    double flops = 2.0 * queries * docs * dim;
    out.accept(String.format(Locale.ROOT, "%d queries x %d documents x %d dims, top-%d, %d "
        + "partitions, master %s", queries, docs, dim, k, partitions, spark.sparkContext()
        .master()));
    out.accept("| search | seconds | query-document pairs/s | GFLOP/s | fraction of GEMM |");
    out.accept("|---|---|---|---|---|");
    out.accept(String.format(Locale.ROOT, "| GEMM, ND4J 1024^3 float32 | | | %.1f | |", gemm));
    out.accept(row("distributed (Parquet, blocked products, heap merge)", distributed,
        queries * (double) docs, flops, gemm));
    out.accept(row("in-memory scan per query (" + scanned + " queries, scaled)", scan,
        queries * (double) docs, flops, gemm));
    out.accept(String.format(Locale.ROOT, "distributed / scan speed: %.1fx", scan / distributed));
  }

  private static String row(String name, double seconds, double pairs, double flops,
      double gemm) {
    return String.format(Locale.ROOT, "| %s | %.2f | %.3g | %.1f | %.2f |", name, seconds,
        pairs / seconds, flops / seconds / 1e9, flops / seconds / 1e9 / gemm);
  }

  private static float[][] slice(float[][] q, int n) {
    return java.util.Arrays.copyOf(q, Math.min(n, q.length));
  }

  private static float[] unit(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * (double) v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }
}
