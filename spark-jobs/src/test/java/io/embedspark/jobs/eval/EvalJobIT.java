package io.embedspark.jobs.eval;

import io.embedspark.eval.Hit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.BeirTask;
import io.embedspark.eval.Bm25Retriever;
import io.embedspark.eval.RetrievalMetrics;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.eval.tasks.ReportKeys;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.spark.VectorColumns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The eval job on real Spark (local[2]) over the bundled sample, reading and writing Parquet. */
class EvalJobIT {
  private static final Path SAMPLE = Path.of("../data/sample");
  private static Path root;
  private static Path model;
  private static SparkSession spark;
  private static EvalConfig config;
  private static EvalReport report;

  @BeforeAll
  static void setUp() throws IOException {
    root = Files.createTempDirectory("eval-it");
    model = SampleModel.write(root.resolve("model"));
    writeSts(root.resolve("sts.jsonl"));
    spark = SampleModel.spark("EvalJobIT");
    config = suite(model.toString(), root.resolve("report").toString(), null);
    report = new EvalJob(spark, config, line -> { }).run();
  }

  @AfterAll
  static void tearDown() throws IOException {
    spark.stop();
    AtomicDirectory.deleteRecursively(root);
  }

  /** The sample corpus's documents the bundle's tokenizer cuts, with the document prompt. */
  private static long documentsCut(io.embedspark.io.CheckpointBundle bundle) {
    long cut = 0;
    try (io.embedspark.model.EmbeddingModel m = bundle.toModel(
        org.nd4j.linalg.api.buffer.DataType.FLOAT)) {
      for (var row : io.embedspark.data.JsonlTexts.rows(SAMPLE.resolve("retrieval/corpus.jsonl"))) {
        String text = io.embedspark.data.PromptTemplate.DOCUMENT.apply(
            row.path("title").asText(""), row.get("text").asText());
        cut += m.tokenizer().encode(List.of(text)).truncated()[0] ? 1 : 0;
      }
    }
    return cut;
  }

  static EvalConfig suite(String model, String output, EvalConfig.Embeddings embeddings) {
    List<EvalConfig.Task> tasks = new ArrayList<>(List.of(
        task("retrieval", "retrieval", SAMPLE.resolve("retrieval"), null, embeddings)));
    if (embeddings == null) {
      tasks.add(new EvalConfig.Task("sections", "classification", null, null,
          SAMPLE.resolve("classification/train.jsonl").toString(),
          SAMPLE.resolve("classification/test.jsonl").toString(), null, null, 2, 4, null, null));
      tasks.add(task("clusters", "clustering", SAMPLE.resolve("clustering/s2s_topical.jsonl"),
          null, null));
      tasks.add(task("rerank", "reranking", SAMPLE.resolve("reranking/test.jsonl"), null,
          null));
      tasks.add(task("pairs", "pair_classification",
          SAMPLE.resolve("pair_classification/en-de.jsonl"), null, null));
      tasks.add(task("bitext", "bitext", SAMPLE.resolve("bitext/mining_test_en-de.jsonl"),
          Map.of("source", "xx", "target", "en"), null));
      tasks.add(task("sts", "sts", root.resolve("sts.jsonl"), null, null));
    }
    return new EvalConfig(model, null, output, null, embeddings == null ? List.of()
        : List.of(8, 16), 42L, new EvalConfig.Retrieval(20, List.of(1, 10, 20), true, 50, 64),
        Map.of(), tasks, null);
  }

  private static EvalConfig.Task task(String name, String type, Path path,
      Map<String, String> fields, EvalConfig.Embeddings embeddings) {
    return new EvalConfig.Task(name, type, path.toString(), null, null, null, fields, null, null,
        null, embeddings, null);
  }

  @Test
  void everyTaskHasItsMetricsAtEveryDimAndBm25BesideRetrieval() {
    assertEquals(List.of(8, 16), report.dims());
    assertEquals(Map.of("retrieval", "ndcg@10", "sections", "accuracy", "clusters", "v_measure",
        "rerank", "map", "pairs", "max_ap", "bitext", "f1", "sts", "cosine_spearman"),
        report.mainMetrics());
    for (String task : report.mainMetrics().keySet()) {
      for (int d : report.dims()) {
        double v = report.main(task, d);
        assertTrue(Double.isFinite(v), task + " at d" + d + ": " + v);
      }
    }
    for (String metric : List.of("ndcg", "map", "recall", "precision", "mrr")) {
      for (int k : List.of(1, 10, 20)) {
        assertTrue(report.metrics().containsKey("retrieval/" + metric + "@" + k + "/d8"));
        assertTrue(report.baselines().get("bm25").containsKey("retrieval/" + metric + "@" + k));
      }
    }
    assertTrue(Files.isRegularFile(Path.of(config.output(), "report.json")));
    assertTrue(Files.isRegularFile(Path.of(config.output(), "report.md")));
    assertEquals(report.metrics(), EvalReport.read(Path.of(config.output(), "report.json"))
        .metrics());
    for (int d : report.dims()) {
      Map<String, Double> perQuery = report.perQuery().get("retrieval/ndcg@10/d" + d);
      assertEquals(((Number) report.details().get("retrieval/queries")).intValue(),
          perQuery.size(), "every sample query is judged");
      assertEquals(report.main("retrieval", d), perQuery.values().stream()
          .mapToDouble(Double::doubleValue).average().orElseThrow(), 1e-12,
          "the per-query values average to the reported metric at d" + d);
      Map<String, Double> perSentence = report.perQuery().get("bitext/f1/d" + d);
      assertEquals(report.main("bitext", d), perSentence.values().stream()
          .mapToDouble(Double::doubleValue).average().orElseThrow(), 1e-12,
          "each source sentence's share of the F1 averages to the F1 at d" + d);
    }
    assertEquals(1.0, report.pairedDifference(report, "bitext").orElseThrow().pValue());
    assertEquals(java.util.Set.of("retrieval", "bitext"), report.perQuery().keySet().stream()
        .map(io.embedspark.eval.tasks.ReportKeys::task).collect(java.util.stream.Collectors
            .toSet()), "only retrieval and bitext record per-item values");
    assertTrue(report.pairedDifference(report, "retrieval").orElseThrow().pValue() == 1.0,
        "the model against itself");
  }

  @Test
  void aModelsOwnPromptsEmbedQueriesAndDocuments() throws IOException {
    Path e5 = root.resolve("model-e5");
    io.embedspark.io.CheckpointBundle.read(model).withPrompts(
        io.embedspark.data.ModelPrompts.ofPrefixes("query: ", "passage: ")).write(e5, false);
    EvalConfig c = new EvalConfig(e5.toString(), null, root.resolve("report-e5").toString(),
        null, List.of(), 42L, new EvalConfig.Retrieval(20, List.of(10), false, 50, 64), Map.of(),
        List.of(task("retrieval", "retrieval", SAMPLE.resolve("retrieval"), null, null)), null);
    EvalReport own = new EvalJob(spark, c, line -> { }).run();
    Path work = Path.of(c.work(), "retrieval");
    for (String[] side : new String[][] {{"queries", "query: {text}"},
        {"corpus", "passage: {text}"}}) {
      try (java.util.stream.Stream<Path> files = Files.list(work.resolve(side[0]))) {
        for (Path part : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
          assertEquals(side[1], io.embedspark.jobs.embed.ParquetFiles.read(part,
              "embedding_d16").footer().get("embedspark.prompt"), side[0]);
        }
      }
    }
    // Negative control: the same weights with Gemini's prompts score otherwise.
    assertTrue(Math.abs(own.main("retrieval", 16) - report.main("retrieval", 16)) > 1e-4,
        own.main("retrieval", 16) + " against " + report.main("retrieval", 16));
  }

  @Test
  void aSuiteSettingMaxLengthEmbedsEveryTaskUpToIt() throws IOException {
    EvalConfig c = suite(model.toString(), root.resolve("report-64").toString(), null);
    List<EvalConfig.Task> tasks = c.tasks().stream()
        .filter(t -> t.type().equals("retrieval") || t.type().equals("bitext")).toList();
    EvalConfig longer = new EvalConfig(c.model(), c.name(), c.output(), c.work(), c.dims(),
        c.seed(), c.retrieval(), c.compare(), tasks, c.driverFitRows(), null, 64);
    EvalReport r = new EvalJob(spark, longer, line -> { }).run();
    for (String side : List.of("queries", "corpus")) {
      try (java.util.stream.Stream<Path> files = Files.list(
          Path.of(longer.work(), "retrieval", side))) {
        for (Path part : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
          assertEquals("64", io.embedspark.jobs.embed.ParquetFiles.read(part, "embedding_d16")
              .footer().get("embedspark.model.max_sequence_length"), side);
        }
      }
    }
    // The report counts the documents each length cut, as the bundle's tokenizer counts them.
    io.embedspark.io.CheckpointBundle bundle = io.embedspark.io.CheckpointBundle.read(model);
    Map<?, ?> at32 = (Map<?, ?>) report.details().get("retrieval/truncated");
    Map<?, ?> at64 = (Map<?, ?>) r.details().get("retrieval/truncated");
    assertEquals(32, ((Number) at32.get("max_length")).intValue());
    assertEquals(64, ((Number) at64.get("max_length")).intValue());
    long cutAt32 = documentsCut(bundle);
    assertEquals(cutAt32, ((Number) at32.get("corpus")).longValue());
    assertEquals(documentsCut(bundle.withMaxSequenceLength(64, "max_length")),
        ((Number) at64.get("corpus")).longValue());
    assertTrue(cutAt32 > 0, "the bundle's 32 tokens cut some documents");
    // Negative control: the bundle's 32 tokens cut the sample's documents and translations.
    for (String task : List.of("retrieval", "bitext")) {
      assertTrue(Math.abs(r.main(task, 16) - report.main(task, 16)) > 1e-4,
          task + ": " + r.main(task, 16) + " against " + report.main(task, 16));
    }
  }

  @Test
  void theOnnxRuntimeEngineScoresTheSuiteAsNd4jDoes() {
    EvalConfig c = suite(model.toString(), root.resolve("report-ort").toString(), null);
    EvalConfig ort = new EvalConfig(c.model(), c.name(), c.output(), c.work(), c.dims(),
        c.seed(), c.retrieval(), c.compare(), c.tasks(), c.driverFitRows(), "onnxruntime");
    EvalReport r = new EvalJob(spark, ort, line -> { }).run();
    assertEquals(report.metrics().keySet(), r.metrics().keySet());
    double worst = 0;
    double total = 0;
    for (String k : report.metrics().keySet()) {
      double d = Math.abs(report.metrics().get(k) - r.metrics().get(k));
      worst = Math.max(worst, d);
      total += d;
    }
    // Embeddings agree to 1e-6; only a near-tie in a ranking can move a metric at all.
    assertTrue(worst <= 0.02 && total / report.metrics().size() < 1e-3,
        "max |ort - nd4j| = " + worst + ", mean " + total / report.metrics().size());
  }

  @Test
  void bm25FromTheStreamedOnDiskIndexEqualsTheInMemoryIndex() {
    BeirTask task = BeirTask.read(SAMPLE.resolve("retrieval"), "test");
    Map<String, Double> inMemory = RetrievalMetrics.evaluate(Bm25Retriever.search(task, 20),
        task.qrels(), List.of(1, 10, 20));
    inMemory.forEach((m, v) -> assertEquals(v, report.baselines().get("bm25")
        .get("retrieval/" + m), 1e-12, m));
  }

  @Test
  void retrievalMetricsEqualExhaustiveSearchOverTheWrittenEmbeddings() {
    BeirTask task = BeirTask.read(SAMPLE.resolve("retrieval"), "test");
    String work = Path.of(config.work(), "retrieval").toString();
    for (int d : List.of(8, 16)) {
      Map<String, float[]> docs = vectors(work + "/corpus", d);
      Map<String, float[]> queries = vectors(work + "/queries", d);
      Map<String, List<Hit>> runs = new HashMap<>();
      for (String q : task.queries().keySet()) {
        runs.put(q, exhaustive(queries.get(q), docs, 20));
      }
      int dim = d;
      RetrievalMetrics.evaluate(runs, task.qrels(), List.of(1, 10, 20)).forEach((m, v) ->
          assertEquals(v, report.metrics().get(ReportKeys.of("retrieval", m, dim)), 1e-9,
              m + " d" + dim));
    }
  }

  @Test
  void precomputedEmbeddingsNeedNoModelAndGiveTheSameNumbers() {
    String work = Path.of(config.work(), "retrieval").toString();
    EvalConfig fromParquet = suite(null, root.resolve("report-parquet").toString(),
        new EvalConfig.Embeddings(work + "/corpus", work + "/queries"));
    EvalReport again = new EvalJob(spark, fromParquet, line -> { }).evaluate();
    again.metrics().forEach((k, v) -> assertEquals(report.metrics().get(k), v, 1e-12, k));
    assertEquals(30, again.metrics().size());

    EvalConfig missingDim = new EvalConfig(null, null, root.resolve("r3").toString(), null,
        List.of(32), 42L, null, Map.of(), fromParquet.tasks(), null);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new EvalJob(spark, missingDim, line -> { }).evaluate());
    assertTrue(e.getMessage().contains("has no column embedding_d32"), e.getMessage());
  }

  @Test
  void aJudgedDocumentMissingFromTheCorpusIsNamedOnTheConsole() throws IOException {
    Path copy = root.resolve("retrieval-missing");
    java.nio.file.Files.createDirectories(copy.resolve("qrels"));
    for (String f : List.of("corpus.jsonl", "queries.jsonl", "qrels/test.tsv")) {
      java.nio.file.Files.copy(SAMPLE.resolve("retrieval").resolve(f), copy.resolve(f));
    }
    String firstQuery = java.nio.file.Files.readAllLines(copy.resolve("qrels/test.tsv")).get(1)
        .split("\t")[0];
    java.nio.file.Files.writeString(copy.resolve("qrels/test.tsv"), firstQuery
        + "\tno-such-doc\t1\n", java.nio.file.StandardOpenOption.APPEND);
    String work = Path.of(config.work(), "retrieval").toString();
    EvalConfig c = new EvalConfig(null, null, root.resolve("report-missing").toString(), null,
        List.of(8, 16), 42L, new EvalConfig.Retrieval(20, List.of(10), false, 50, 64), Map.of(),
        List.of(task("retrieval", "retrieval", copy, null,
            new EvalConfig.Embeddings(work + "/corpus", work + "/queries"))), null);
    List<String> lines = new ArrayList<>();
    EvalReport r = new EvalJob(spark, c, lines::add).evaluate();
    assertEquals(1, ((Number) r.details().get("retrieval/judged_documents_missing_from_corpus"))
        .intValue());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("eval: warning: retrieval: 1 documents "
        + "the qrels judge are not in the corpus") && l.contains("no-such-doc")), lines.toString());
    assertEquals(0, ((Number) report.details().get(
        "retrieval/judged_documents_missing_from_corpus")).intValue(),
        "negative control: the sample's own qrels judge only corpus documents");
  }

  @Test
  void distributedTopKEqualsExhaustiveSearchWhateverThePartitioning() {
    SplittableRandom r = new SplittableRandom(9);
    int docs = 700;
    int dim = 12;
    List<Row> rows = new ArrayList<>();
    Map<String, float[]> corpus = new HashMap<>();
    for (int i = 0; i < docs; i++) {
      float[] v = unit(r, dim);
      String id = "doc-" + i;
      corpus.put(id, v);
      rows.add(RowFactory.create(id, toList(v)));
    }
    float[][] queries = new float[37][];
    for (int i = 0; i < queries.length; i++) {
      queries[i] = unit(r, dim);
    }
    StructType schema = new StructType().add("id", DataTypes.StringType)
        .add("embedding_d12", DataTypes.createArrayType(DataTypes.FloatType));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<List<Hit>> one = null;
    for (int partitions : new int[] {1, 7}) {
      Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(partitions);
      List<List<Hit>> hits = DistributedTopK.search(jsc, df, new int[] {dim},
          new float[][][] {queries}, 15, 32).get(0);
      for (int q = 0; q < queries.length; q++) {
        List<Hit> expected = exhaustive(queries[q], corpus, 15);
        assertEquals(expected.stream().map(Hit::id).toList(),
            hits.get(q).stream().map(Hit::id).toList(), "query " + q);
        for (int i = 0; i < 15; i++) {
          assertEquals(expected.get(i).score(), hits.get(q).get(i).score(), 1e-5);
        }
      }
      if (one != null) {
        for (int q = 0; q < queries.length; q++) {
          assertEquals(one.get(q).stream().map(Hit::id).toList(),
              hits.get(q).stream().map(Hit::id).toList(), "1 and 7 partitions");
        }
      }
      one = hits;
    }
    // Negative control: without the documents of one partition the exhaustive result differs.
    Map<String, float[]> fewer = new HashMap<>(corpus);
    for (int i = 0; i < docs / 7; i++) {
      fewer.remove("doc-" + i);
    }
    int differ = 0;
    for (int q = 0; q < queries.length; q++) {
      differ += exhaustive(queries[q], fewer, 15).stream().map(Hit::id).toList()
          .equals(one.get(q).stream().map(Hit::id).toList()) ? 0 : 1;
    }
    assertNotEquals(0, differ);
  }

  @Test
  void configErrorsNameTheKey() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> new EvalConfig(
        "m", null, null, null, null, null, null, null, List.of(new EvalConfig.Task("x", "qa",
        "p", null, null, null, null, null, null, null, null, null)), null));
    assertTrue(e.getMessage().contains("tasks[0].type = 'qa' must be one of"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> new EvalConfig("m", null, null, null,
        null, null, new EvalConfig.Retrieval(10, List.of(20), null, null, null), null,
        List.of(task("x", "bitext", Path.of("b"), Map.of("text", "t"), null)), null));
    assertTrue(e.getMessage().contains("retrieval.ks contains 20"), e.getMessage());
    assertTrue(e.getMessage().contains("tasks[0].fields.text is not a field of a bitext task"),
        e.getMessage());
    for (String escaping : List.of("..", ".", ".hidden")) {
      e = assertThrows(InvalidInputException.class, () -> new EvalConfig("m", null, null, null,
          null, null, null, null, List.of(task(escaping, "bitext", Path.of("b"), null, null)),
          null));
      assertTrue(e.getMessage().contains("tasks[0].name = '" + escaping + "' must be"),
          e.getMessage());
    }
    new EvalConfig("m", null, null, null, null, null, null, null,
        List.of(task("debian.v1", "bitext", Path.of("b"), null, null)), null);
    e = assertThrows(InvalidInputException.class, () -> new EvalConfig("m", null, null, null,
        null, null, null, null, List.of(task("x", "bitext", Path.of("b"), null, null)), null,
        null, 0));
    assertTrue(e.getMessage().contains("max_length = 0 must be positive"), e.getMessage());
  }

  private static List<Hit> exhaustive(float[] q, Map<String, float[]> docs,
      int k) {
    List<Hit> all = new ArrayList<>();
    for (Map.Entry<String, float[]> d : docs.entrySet()) {
      double s = 0;
      for (int i = 0; i < q.length; i++) {
        s += (double) q[i] * d.getValue()[i];
      }
      all.add(new Hit(d.getKey(), s));
    }
    all.sort(Comparator.comparingDouble(Hit::score).reversed()
        .thenComparing(Hit::id, Comparator.reverseOrder()));
    return all.subList(0, k);
  }

  private static Map<String, float[]> vectors(String parquet, int dim) {
    Map<String, float[]> out = new HashMap<>();
    for (Row r : spark.read().parquet(parquet).select("id", "embedding_d" + dim)
        .collectAsList()) {
      out.put(r.getString(0), VectorColumns.floats(r.getList(1)));
    }
    return out;
  }

  private static float[] unit(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
      n += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  private static List<Float> toList(float[] v) {
    List<Float> out = new ArrayList<>();
    for (float f : v) {
      out.add(f);
    }
    return out;
  }

  private static void writeSts(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    String[][] pairs = {{"python library", "python module", "4.5"},
        {"font package", "fonts for the desktop", "4"}, {"kernel module", "web browser", "0.5"},
        {"mail client", "email reader", "4.5"}, {"game engine", "database server", "0"},
        {"image viewer", "picture viewer", "5"}};
    for (String[] p : pairs) {
      lines.add("{\"sentence1\":\"" + p[0] + "\",\"sentence2\":\"" + p[1] + "\",\"score\":" + p[2]
          + "}");
    }
    Files.write(file, lines);
  }
}
