package io.embedspark.jobs.embed;

import static org.apache.spark.sql.functions.col;
import org.apache.spark.sql.functions;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CodeVersion;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.ProgressListener;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Bulk-embeds a corpus into Parquet, exactly once: every input row becomes one row of the
 * embeddings output or one row of the rejects output (id, reason, detail), and the run ends with
 * counts that add up. One pass over the input counts its rows and finds duplicated ids; a second
 * writes the rejects, and is skipped when no row can be rejected; the third embeds. The model is
 * broadcast once as bundle bytes and loaded once per executor;
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
  /** The bundle at {@code config.model()}, when the caller has read it; else read by the run. */
  private final BundleFiles files;

  public EmbedJob(SparkSession spark, EmbedConfig config, Consumer<String> progress) {
    this(spark, config, null, progress);
  }

  /**
   * A job embedding with a bundle its caller has already read (and checked), as another job does
   * that embeds with the model it evaluates or mines with: the files are read and hashed once.
   * The length rule is the same as for a bundle the job reads: the config's
   * {@code limits.max_length} when set, else the files' own ({@link BundleFiles#withMaxLength}).
   *
   * @param files the bundle at {@code config.model()}
   */
  public EmbedJob(SparkSession spark, EmbedConfig config, BundleFiles files,
      Consumer<String> progress) {
    this.spark = spark;
    this.config = config;
    this.files = files;
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
    BundleFiles files = (this.files != null ? this.files : BundleFiles.of(config.model(), hadoop))
        .withMaxLength(config.limits().maxLength(), "limits.max_length");
    BundleConfig model = files.config();
    config = config.withPrompt(io.embedspark.data.ModelPrompts.resolve(config.prompt(),
        model.prompts()).template());
    int[] dims = dims(model);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<BundleFiles> bundle = jsc.broadcast(files);

    Dataset<Row> corpus = CorpusReader.read(spark, config.input());
    InputSurvey survey = survey(corpus);
    long read = survey.rows();
    boolean rejectTooLong = config.limits().tooLongPolicy() == EmbedConfig.TooLong.REJECT;
    Broadcast<RowTriage> triage = jsc.broadcast(new RowTriage(survey.winners(), rejectTooLong));
    // Without unusable rows, duplicates or a token limit to enforce, nothing can be rejected, and
    // the rejects output is written empty without another pass over the input.
    boolean mayReject = survey.unusable() > 0 || !survey.duplicates().isEmpty() || rejectTooLong;

    String rejectsStaging = dirs.staging(config.output().rejects());
    String embeddingsStaging = dirs.staging(config.output().path());
    boolean published = false;
    ProgressListener listener = new ProgressListener("embed", progress, 10);
    spark.sparkContext().addSparkListener(listener);
    try {
      if (mayReject) {
        corpus.mapPartitions(new PartitionRejects(bundle, triage, config),
            Encoders.row(PartitionRejects.SCHEMA)).write().parquet(rejectsStaging);
      } else {
        EmptyParquetOutput.write(spark, rejectsStaging, PartitionRejects.SCHEMA);
      }
      Configuration out = outputConfiguration(hadoop, files, model, dims);
      corpus.javaRDD().mapPartitions(new PartitionWindows(bundle, triage, config))
          .mapToPair(r -> new Tuple2<Void, EmbeddedRow>(null, r))
          .saveAsNewAPIHadoopFile(embeddingsStaging, Void.class, EmbeddedRow.class,
              EmbeddingOutputFormat.class, out);
      EmbedReport report = count(read, embeddingsStaging, mayReject ? rejectsStaging : null, t0);
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
   * Counts the input's rows and finds ids that occur more than once among usable rows, in one
   * pass; fails under {@code limits.duplicate_ids: fail} when there are any.
   */
  private InputSurvey survey(Dataset<Row> corpus) {
    EmbedConfig.DuplicateIds policy = config.limits().duplicatePolicy();
    InputSurvey survey = InputSurvey.of(corpus, policy != EmbedConfig.DuplicateIds.KEEP);
    progress.accept("embed: " + survey.rows() + " rows in " + config.input().path());
    int dups = survey.duplicates().size();
    if (dups > 0 && policy == EmbedConfig.DuplicateIds.FAIL) {
      throw new InvalidInputException(config.input().path() + ": " + dups
          + " ids occur more than once (limits.duplicate_ids: fail), e.g. "
          + survey.examples(5));
    }
    if (dups > 0) {
      progress.accept("embed: " + dups + " ids occur more than once; the first occurrence of "
          + "each is embedded, the others rejected");
    }
    return survey;
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
    // Embedding coordinates are nearly all distinct: a dictionary only costs time before Parquet
    // falls back to plain encoding.
    c.setBoolean("parquet.enable.dictionary", false);
    Map<String, String> footer = FooterMetadata.of(config, files, model, dims);
    footer.forEach((k, v) -> c.set(EmbeddingWriteSupport.FOOTER_PREFIX + k, v));
    return c;
  }

  /**
   * Counts what the staging directories hold (the rejects only when a pass over the input wrote
   * them, else none). Spark skips directories whose names start with a dot when given them as a
   * path, so the part files are named one by one.
   */
  private EmbedReport count(long read, String embeddings, String rejects, long t0) {
    // Reading with a given schema (only the column counted) skips Spark's schema-merging job.
    Row out = spark.read().schema(new StructType().add("truncated", DataTypes.BooleanType))
        .parquet(partFiles(embeddings))
        .agg(functions.count(functions.lit(1)), functions.count(functions.when(col("truncated"),
            functions.lit(1)))).first();
    Map<String, Long> rejected = new TreeMap<>();
    if (rejects != null) {
      for (Row r : spark.read().schema(PartitionRejects.SCHEMA).parquet(partFiles(rejects))
          .groupBy("reason").count()
          .collectAsList()) {
        rejected.put(r.getString(0), r.getLong(1));
      }
    }
    EmbedReport report = new EmbedReport(read, out.getLong(0), out.getLong(1), rejected,
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
