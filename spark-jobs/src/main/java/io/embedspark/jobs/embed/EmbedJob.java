package io.embedspark.jobs.embed;

import static org.apache.spark.sql.functions.col;
import org.apache.spark.sql.functions;
import static org.apache.spark.sql.functions.min;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CodeVersion;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.ProgressListener;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Bulk-embeds a corpus into Parquet, exactly once: every input row becomes one row of the
 * embeddings output or one row of the rejects output (id, reason, detail), and the run ends with
 * counts that add up. The model is broadcast once as bundle bytes and loaded once per executor;
 * each partition is embedded a window at a time with length bucketing under a token budget
 * ({@link PartitionWindows}). Both outputs are written into hidden staging directories through
 * Spark's Hadoop commit protocol and renamed into place only when everything succeeded
 * ({@link OutputDirectories}), so a killed run leaves no partial output visible, and a rerun over
 * the same input writes files of identical content.
 */
public final class EmbedJob {
  private final SparkSession spark;
  /** The job's config; its prompt becomes the model's own once the bundle is read. */
  private EmbedConfig config;
  private final Consumer<String> progress;

  public EmbedJob(SparkSession spark, EmbedConfig config, Consumer<String> progress) {
    this.spark = spark;
    this.config = config;
    this.progress = progress;
  }

  public EmbedReport run() {
    long t0 = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    OutputDirectories dirs = new OutputDirectories(hadoop);
    boolean overwrite = config.output().writeMode() == EmbedConfig.WriteMode.OVERWRITE;
    for (String[] out : new String[][] {{config.output().path(), "output.path"},
        {config.output().rejects(), "output.rejects"}}) {
      dirs.checkSeparate(out[0], out[1], config.input().path(), "input.path");
      dirs.checkSeparate(out[0], out[1], config.model(), "model");
      dirs.checkWritable(out[0], overwrite, out[1]);
      int swept = dirs.sweepLeftovers(out[0]);
      if (swept > 0) {
        progress.accept("embed: removed " + swept + " staging director" + (swept == 1 ? "y" : "ies")
            + " a killed run left beside " + out[0]);
      }
    }
    BundleFiles files = BundleFiles.of(config.model(), hadoop);
    BundleConfig model = files.config();
    config = config.withPrompt(io.embedspark.data.ModelPrompts.resolve(config.prompt(),
        model.prompts()).template());
    int[] dims = dims(model);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<BundleFiles> bundle = jsc.broadcast(files);

    Dataset<Row> corpus = CorpusReader.read(spark, config.input());
    long read = corpus.count();
    progress.accept("embed: " + read + " rows in " + config.input().path());
    Broadcast<RowTriage> triage = jsc.broadcast(new RowTriage(duplicateWinners(corpus),
        config.limits().tooLongPolicy() == EmbedConfig.TooLong.REJECT));

    String rejectsStaging = dirs.staging(config.output().rejects());
    String embeddingsStaging = dirs.staging(config.output().path());
    boolean published = false;
    ProgressListener listener = new ProgressListener("embed", progress, 10);
    spark.sparkContext().addSparkListener(listener);
    try {
      corpus.mapPartitions(new PartitionRejects(bundle, triage, config),
          Encoders.row(PartitionRejects.SCHEMA)).write().parquet(rejectsStaging);
      Configuration out = outputConfiguration(hadoop, files, model, dims);
      corpus.javaRDD().mapPartitions(new PartitionWindows(bundle, triage, config))
          .mapToPair(r -> new Tuple2<Void, EmbeddedRow>(null, r))
          .saveAsNewAPIHadoopFile(embeddingsStaging, Void.class, EmbeddedRow.class,
              EmbeddingOutputFormat.class, out);
      EmbedReport report = count(read, embeddingsStaging, rejectsStaging, t0);
      dirs.mark(rejectsStaging, "embed job rejects of " + config.input().path());
      dirs.mark(embeddingsStaging, "embed job embeddings of " + config.input().path()
          + " by " + config.model());
      dirs.promote(rejectsStaging, config.output().rejects());
      dirs.promote(embeddingsStaging, config.output().path());
      published = true;
      return report;
    } finally {
      // Spark's failures are checked exceptions thrown from Scala: clean up on any of them.
      if (!published) {
        dirs.discard(rejectsStaging);
        dirs.discard(embeddingsStaging);
      }
      spark.sparkContext().removeSparkListener(listener);
      bundle.destroy();
      triage.destroy();
    }
  }

  /** The dims to write: as configured, else the model's Matryoshka dims; each checked. */
  private int[] dims(BundleConfig model) {
    List<Integer> dims = config.output().dims().isEmpty() ? model.model().matryoshkaDims()
        : config.output().dims();
    int full = model.model().outputDim();
    for (int d : dims) {
      if (d > full) {
        throw new InvalidInputException("output.dims contains " + d + ", more than the model's "
            + full + " output dims");
      }
    }
    return dims.stream().distinct().sorted().mapToInt(Integer::intValue).toArray();
  }

  /**
   * For each id that occurs more than once among usable rows, the row kept (the first in input
   * order); empty when duplicates are kept. Only (id, row) pairs are shuffled, and only the
   * duplicated ids reach the driver.
   */
  private Map<String, Long> duplicateWinners(Dataset<Row> corpus) {
    EmbedConfig.DuplicateIds policy = config.limits().duplicatePolicy();
    if (policy == EmbedConfig.DuplicateIds.KEEP) {
      return Map.of();
    }
    Dataset<Row> usable = corpus.filter((org.apache.spark.api.java.function.FilterFunction<Row>)
        r -> RowTriage.structural(r) == null);
    List<Row> dups = usable.groupBy(col("id")).agg(functions.count("*").as("n"),
        min("_row").as("first"))
        .filter(col("n").gt(1)).collectAsList();
    if (dups.isEmpty()) {
      return Map.of();
    }
    if (policy == EmbedConfig.DuplicateIds.FAIL) {
      throw new InvalidInputException(config.input().path() + ": " + dups.size()
          + " ids occur more than once (limits.duplicate_ids: fail), e.g. " + dups.stream()
          .limit(5).map(r -> "'" + r.getString(0) + "' x" + r.getLong(1))
          .collect(Collectors.joining(", ")));
    }
    Map<String, Long> winners = new HashMap<>();
    for (Row r : dups) {
      winners.put(r.getString(0), r.getLong(2));
    }
    progress.accept("embed: " + winners.size() + " ids occur more than once; the first "
        + "occurrence of each is embedded, the others rejected");
    return winners;
  }

  private Configuration outputConfiguration(Configuration base, BundleFiles files,
      BundleConfig model, int[] dims) {
    Configuration c = new Configuration(base);
    c.set(EmbeddingWriteSupport.DIMS, java.util.Arrays.stream(dims).mapToObj(Integer::toString)
        .collect(Collectors.joining(",")));
    c.setBoolean(EmbeddingWriteSupport.INT8, config.output().int8());
    c.setBoolean(EmbeddingWriteSupport.BINARY, config.output().binary());
    c.set("parquet.compression", "SNAPPY");
    c.set("parquet.summary.metadata.level", "NONE");
    Map<String, String> footer = FooterMetadata.of(config, files, model, dims);
    footer.forEach((k, v) -> c.set(EmbeddingWriteSupport.FOOTER_PREFIX + k, v));
    return c;
  }

  /**
   * Counts what the staging directories hold. Spark skips directories whose names start with a
   * dot when given them as a path, so the part files are named one by one.
   */
  private EmbedReport count(long read, String embeddings, String rejects, long t0) {
    Dataset<Row> out = spark.read().parquet(partFiles(embeddings));
    long embedded = out.count();
    long truncated = out.filter(col("truncated")).count();
    Map<String, Long> rejected = new TreeMap<>();
    for (Row r : spark.read().parquet(partFiles(rejects)).groupBy("reason").count()
        .collectAsList()) {
      rejected.put(r.getString(0), r.getLong(1));
    }
    EmbedReport report = new EmbedReport(read, embedded, truncated, rejected,
        (System.nanoTime() - t0) / 1e9);
    if (report.embedded() + report.rejectedTotal() != read) {
      throw new IllegalStateException("row accounting failed, nothing was published: "
          + report.summary());
    }
    return report;
  }

  private String[] partFiles(String dir) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
    try {
      org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(spark.sparkContext()
          .hadoopConfiguration());
      List<String> files = new java.util.ArrayList<>();
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(p)) {
        String name = f.getPath().getName();
        if (f.isFile() && name.endsWith(".parquet") && !name.startsWith(".")) {
          files.add(f.getPath().toString());
        }
      }
      return files.toArray(new String[0]);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** The footer's key-value metadata. */
  static final class FooterMetadata {
    private FooterMetadata() {}

    static Map<String, String> of(EmbedConfig config, BundleFiles files, BundleConfig model,
        int[] dims) {
      Map<String, String> m = new java.util.LinkedHashMap<>();
      m.put("embedspark.format", "embeddings/1");
      m.put("embedspark.model", config.model());
      m.put("embedspark.model.manifest_sha256", files.manifestSha256());
      m.put("embedspark.model.output_dim", Integer.toString(model.model().outputDim()));
      m.put("embedspark.model.max_sequence_length", Integer.toString(model.maxSequenceLength()));
      m.put("embedspark.dims", java.util.Arrays.stream(dims).mapToObj(Integer::toString)
          .collect(Collectors.joining(",")));
      m.put("embedspark.prompt", config.promptTemplate().template());
      m.put("embedspark.normalization", "embedding_d<d> is the first d coordinates of the "
          + "model's embedding, divided by their L2 norm");
      m.put("embedspark.int8", config.output().int8()
          ? "int8_d<d>[i] = round(127 * embedding_d<d>[i]); decode as q / 127" : "none");
      m.put("embedspark.binary", config.output().binary()
          ? "binary_d<d> bit i (most significant bit first) = embedding_d<d>[i] > 0" : "none");
      m.put("embedspark.too_long", config.limits().tooLong());
      m.put("embedspark.engine", config.engine());
      m.put("embedspark.code_version", CodeVersion.get());
      return m;
    }
  }
}
