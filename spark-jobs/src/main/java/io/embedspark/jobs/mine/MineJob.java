package io.embedspark.jobs.mine;

import io.embedspark.data.HardNegativeFilter;
import io.embedspark.data.ModelPrompts;
import io.embedspark.data.TaskPrompts;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.Hit;
import io.embedspark.io.BundleConfig;
import io.embedspark.jobs.embed.EmbedConfig;
import io.embedspark.jobs.embed.EmbedJob;
import io.embedspark.jobs.eval.DistributedTopK;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.VectorColumns;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code mine} job: for every (query, positive) pair, the nearest passages among all the
 * positives (exact search, {@link DistributedTopK}) within a rank window become hard negatives,
 * after dropping likely false negatives as sentence-transformers' {@code mine_hard_negatives}
 * does ({@link HardNegativeFilter}): a candidate scoring above {@code max_score}, or above the
 * positive's score minus {@code margin}. Queries and passages are embedded with the prompts the
 * finetune gives the config's {@code task}, so the search ranks as the trained model will. Writes
 * triples in the finetune format ({@code id, query, positive, negatives[]}) with
 * {@code positive_score}, {@code negative_scores[]} and {@code negative_ranks[]} kept for
 * inspection, and {@code _mine_report.json} with how many candidates each filter removed.
 */
public final class MineJob {
  /** What the run did; every candidate in the rank window is kept or removed by one filter. */
  public record Report(long pairs, long passages, long candidates, long removedMaxScore,
      long removedMargin, long kept, long negativesWritten, long queriesWithoutNegatives) {}

  private static final StructType TRIPLES = new StructType()
      .add("id", DataTypes.StringType).add("query", DataTypes.StringType)
      .add("positive", DataTypes.StringType)
      .add("negatives", DataTypes.createArrayType(DataTypes.StringType))
      .add("positive_score", DataTypes.DoubleType)
      .add("negative_scores", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("negative_ranks", DataTypes.createArrayType(DataTypes.IntegerType));
  private static final StructType TEXTS = new StructType().add("id", DataTypes.StringType)
      .add("text", DataTypes.StringType);

  private final SparkSession spark;
  private final MineConfig config;
  private final Consumer<String> progress;

  public MineJob(SparkSession spark, MineConfig config, Consumer<String> progress) {
    this.spark = spark;
    this.config = config;
    this.progress = progress;
  }

  public Report run() {
    List<String[]> pairs = readPairs();
    Map<String, String> passageIds = new LinkedHashMap<>();
    for (String[] p : pairs) {
      passageIds.putIfAbsent(p[2], "p" + passageIds.size());
    }
    Map<String, String> passageText = new HashMap<>();
    passageIds.forEach((text, id) -> passageText.put(id, text));
    String work = config.work().replaceAll("/+$", "");
    int dim = embed(pairs, passageIds, work);

    String column = VectorColumns.name(dim);
    float[][] queries = new float[pairs.size()][];
    for (Iterator<Row> it = spark.read().parquet(work + "/queries").select("id", column)
        .toLocalIterator(); it.hasNext(); ) {
      Row r = it.next();
      queries[Integer.parseInt(r.getString(0).substring(1))] = VectorColumns.floats(r.getList(1));
    }
    Dataset<Row> passages = spark.read().parquet(work + "/passages");
    double[] positiveScores = positiveScores(pairs, passageIds, queries, passages, column);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<List<Hit>> hits = new ArrayList<>();
    for (int from = 0; from < queries.length; from += 8192) {
      float[][] block = Arrays.copyOfRange(queries, from, Math.min(queries.length, from + 8192));
      hits.addAll(DistributedTopK.search(jsc, passages, new int[] {dim},
          new float[][][] {block}, config.rankTo() + 1, 2048).get(0));
    }

    long candidates = 0;
    long removedMax = 0;
    long removedMargin = 0;
    long kept = 0;
    long written = 0;
    long without = 0;
    List<Row> triples = new ArrayList<>();
    HardNegativeFilter.Settings settings = new HardNegativeFilter.Settings(config.rankFrom(),
        config.rankTo(), config.maxScore(), config.margin(), config.negatives(),
        config.samplingChoice() == MineConfig.Sampling.RANDOM, config.seed());
    for (int i = 0; i < pairs.size(); i++) {
      HardNegativeFilter.Outcome o = HardNegativeFilter.choose(hits.get(i),
          passageIds.get(pairs.get(i)[2]), positiveScores[i], settings, i);
      candidates += o.candidates();
      removedMax += o.removedMaxScore();
      removedMargin += o.removedMargin();
      kept += o.kept();
      List<String> negatives = new ArrayList<>();
      List<Double> scores = new ArrayList<>();
      List<Integer> ranks = new ArrayList<>();
      for (HardNegativeFilter.Candidate c : o.chosen()) {
        negatives.add(passageText.get(c.hit().id()));
        scores.add(c.hit().score());
        ranks.add(c.rank());
      }
      written += negatives.size();
      without += negatives.isEmpty() ? 1 : 0;
      triples.add(RowFactory.create(pairs.get(i)[0], pairs.get(i)[1], pairs.get(i)[2], negatives,
          positiveScores[i], scores, ranks));
    }
    spark.createDataFrame(triples, TRIPLES).coalesce(Math.max(1, triples.size() / 100_000))
        .write().mode(SaveMode.Overwrite).json(config.output());
    Report report = new Report(pairs.size(), passageIds.size(), candidates, removedMax,
        removedMargin, kept, written, without);
    writeReport(report);
    progress.accept(String.format("mine: %d candidates in ranks %d-%d: %d above max_score %.3f,"
        + " %d within margin %.3f of the positive, %d kept; %d negatives written, %d queries "
        + "without any; triples in %s", candidates, config.rankFrom(), config.rankTo(),
        removedMax, config.maxScore(), removedMargin, config.margin(), kept, written, without,
        config.output()));
    return report;
  }

  private List<String[]> readPairs() {
    Dataset<Row> rows = io.embedspark.spark.RowFilter.apply(
        config.input().formatChoice() == MineConfig.PairFormat.JSONL
            ? spark.read().json(config.input().path())
            : spark.read().parquet(config.input().path()),
        config.input().where(), "input.where", config.input().path());
    List<String> have = Arrays.asList(rows.columns());
    for (String c : List.of(config.input().id(), config.input().query(),
        config.input().positive())) {
      if (!have.contains(c)) {
        throw new InvalidInputException(config.input().path() + " has no column '" + c
            + "' (it has " + String.join(", ", have) + ")");
      }
    }
    List<String[]> out = new ArrayList<>();
    for (Row r : rows.selectExpr("CAST(`" + config.input().id() + "` AS STRING)",
        "`" + config.input().query() + "`", "`" + config.input().positive() + "`")
        .collectAsList()) {
      if (r.isNullAt(0) || r.isNullAt(1) || r.isNullAt(2) || r.getString(1).isBlank()
          || r.getString(2).isBlank()) {
        throw new InvalidInputException(config.input().path() + ": row " + r
            + " lacks an id, a query or a positive");
      }
      out.add(new String[] {r.getString(0), r.getString(1), r.getString(2)});
    }
    return out;
  }

  /**
   * Embeds every query and every distinct positive with the bundle, read once (its files are not
   * kept for the search), into {@code work/queries} and {@code work/passages}.
   *
   * @return the dim searched at
   */
  private int embed(List<String[]> pairs, Map<String, String> passageIds, String work) {
    BundleFiles files = BundleFiles.of(config.model(), spark.sparkContext().hadoopConfiguration())
        .withMaxLength(config.maxLength(), "max_length");
    BundleConfig bundle = files.config();
    int fullDim = bundle.model().outputDim();
    int dim = config.dim() == 0 ? fullDim : config.dim();
    if (dim > fullDim) {
      throw new InvalidInputException("dim = " + dim + " is more than the model's " + fullDim);
    }
    progress.accept("mine: " + pairs.size() + " pairs, " + passageIds.size()
        + " distinct positives as the candidate pool, embedded with the " + config.task()
        + " prompts");
    List<Row> queryRows = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      queryRows.add(RowFactory.create("q" + i, pairs.get(i)[1]));
    }
    List<Row> passageRows = new ArrayList<>();
    passageIds.forEach((text, id) -> passageRows.add(RowFactory.create(id, text)));
    TaskPrompts.Pair prompts = ModelPrompts.training(bundle.prompts()).of(config.task());
    embed(files, queryRows, work + "/queries-input", work + "/queries",
        prompts.query().template(), dim);
    embed(files, passageRows, work + "/passages-input", work + "/passages",
        prompts.document().template(), dim);
    return dim;
  }

  private void embed(BundleFiles files, List<Row> rows, String input, String output,
      String prompt, int dim) {
    spark.createDataFrame(rows, TEXTS).write().mode(SaveMode.Overwrite).json(input);
    new EmbedJob(spark, new EmbedConfig(config.model(), new EmbedConfig.Input(input, "jsonl",
        "id", "text", ""), prompt, new EmbedConfig.Output(output, null, "overwrite",
        List.of(dim), false, false), null, null, config.engine()), files, progress).run();
  }

  /** Each pair's query-positive score, from the embeddings the job wrote. */
  private double[] positiveScores(List<String[]> pairs, Map<String, String> passageIds,
      float[][] queries, Dataset<Row> passages, String column) {
    Map<String, float[]> vectors = new HashMap<>();
    for (Iterator<Row> it = passages.select("id", column).toLocalIterator(); it.hasNext(); ) {
      Row r = it.next();
      vectors.put(r.getString(0), VectorColumns.floats(r.getList(1)));
    }
    double[] out = new double[pairs.size()];
    for (int i = 0; i < out.length; i++) {
      float[] p = vectors.get(passageIds.get(pairs.get(i)[2]));
      float[] q = queries[i];
      if (p == null || q == null) {
        throw new InvalidInputException("pair " + pairs.get(i)[0] + " was not embedded (see the "
            + "embed job's rejects under " + config.work() + ")");
      }
      double s = 0;
      for (int j = 0; j < q.length; j++) {
        s += (double) q[j] * p[j];
      }
      out[i] = s;
    }
    return out;
  }

  private void writeReport(Report report) {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(config.output(),
        "_mine_report.json");
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(file, true)) {
        out.write(io.embedspark.io.JsonFiles.MAPPER.writeValueAsString(report)
            .getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
