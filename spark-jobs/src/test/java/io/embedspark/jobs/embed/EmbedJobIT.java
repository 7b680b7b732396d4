package io.embedspark.jobs.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.data.PromptTemplate;
import io.embedspark.embed.Quantization;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.Matryoshka;
import io.embedspark.spark.BundleFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The embed job on real Spark (local[2]), reading JSON lines and writing real Parquet. */
class EmbedJobIT {
  private static final int[] DIMS = {8, 16};
  private static Path root;
  private static Path model;
  private static Path corpus;
  private static SparkSession spark;
  private static EmbedReport firstReport;

  @BeforeAll
  static void setUp() throws IOException {
    root = Files.createTempDirectory("embed-it");
    model = TestCorpus.writeModel(root.resolve("model"));
    corpus = TestCorpus.writeCorpus(root.resolve("in/corpus.jsonl"));
    spark = SparkSession.builder().appName("EmbedJobIT").master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.files.maxPartitionBytes", "2048")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    firstReport = new EmbedJob(spark, config("out/a", "error"), line -> { }).run();
  }

  @AfterAll
  static void tearDown() throws IOException {
    spark.stop();
    AtomicDirectory.deleteRecursively(root);
  }

  static EmbedConfig config(String out, String mode) {
    return new EmbedConfig(model.toString(),
        new EmbedConfig.Input(corpus.toString(), "beir", null, null, null), "document",
        new EmbedConfig.Output(root.resolve(out).toString(), null, mode, List.of(16, 8), true,
            true),
        new EmbedConfig.Batching(64, 8, 16), null);
  }

  private static Map<String, Row> rowsById(String out) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : spark.read().parquet(root.resolve(out).toString()).collectAsList()) {
      assertEquals(null, rows.put(r.getAs("id"), r), "id written once: " + r.getAs("id"));
    }
    return rows;
  }

  private static float[] floats(Row r, String column) {
    List<Float> v = r.getList(r.fieldIndex(column));
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  @Test
  void everyRowIsEmbeddedOnceOrRejectedWithAReason() {
    assertEquals(TestCorpus.GOOD + 5, firstReport.read());
    assertEquals(TestCorpus.GOOD, firstReport.embedded());
    assertEquals(Map.of("duplicate_id", 1L, "empty_text", 2L, "malformed", 1L, "missing_id", 1L),
        firstReport.rejected());
    assertEquals(TestCorpus.documents().keySet(), rowsById("out/a").keySet());
    List<Row> rejects = spark.read().parquet(root.resolve("out/a-rejects").toString())
        .collectAsList();
    Map<String, String> reasons = new TreeMap<>();
    for (Row r : rejects) {
      reasons.put(r.getString(0) == null ? "<null>:" + r.getString(1) : r.getString(0),
          r.getString(1) + (r.getString(2) == null ? "" : ": " + r.getString(2)));
    }
    assertEquals("duplicate_id: first occurrence kept", reasons.get("d5"));
    assertTrue(reasons.get("<null>:malformed").contains("\"broken\""), reasons.toString());
    assertTrue(reasons.containsKey("<null>:missing_id"), reasons.toString());
    assertEquals("empty_text: null", reasons.get("nulltext"));
    assertEquals("empty_text: blank", reasons.get("blank"));
  }

  @Test
  void aSmallOneFileCorpusIsSpreadOverEveryCoreAndEmbeddedOnce() throws IOException {
    Path small = root.resolve("in-small/corpus.jsonl");
    Files.createDirectories(small.getParent());
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      lines.append("{\"_id\": \"s").append(i).append("\", \"title\": \"t\", \"text\": ")
          .append("\"package number ").append(i).append("\"}\n");
    }
    Files.writeString(small, lines.toString());
    EmbedConfig c = config("out/small", "error");
    EmbedConfig smallCorpus = new EmbedConfig(c.model(), new EmbedConfig.Input(small.toString(),
        "beir", null, null, null), c.prompt(), c.output(), c.batching(), c.limits());
    assertEquals(1, spark.read().text(small.toString()).rdd().getNumPartitions(),
        "the file alone is one partition (negative control)");
    assertEquals(4, CorpusReader.read(spark, smallCorpus.input()).rdd().getNumPartitions(),
        "spread over twice local[2]'s two cores");
    EmbedReport report = new EmbedJob(spark, smallCorpus, line -> { }).run();
    assertEquals(6, report.read());
    assertEquals(6, report.embedded());
    assertEquals(java.util.Set.of("s0", "s1", "s2", "s3", "s4", "s5"),
        rowsById("out/small").keySet());
    assertEquals(0, io.embedspark.spark.ExecutorModels.tasksSharingCores(),
        "every task that used the engine left the executor's share of cores when it completed");
    // Nothing could be rejected, so no pass over the input wrote the rejects: they are still an
    // empty Parquet output with the rejects' columns, marked as this project's.
    assertEquals(0, report.rejectedTotal());
    Dataset<Row> rejects = spark.read().parquet(root.resolve("out/small-rejects").toString());
    assertEquals(0, rejects.count());
    assertEquals(List.of("id", "reason", "detail"), List.of(rejects.columns()));
    assertTrue(Files.exists(root.resolve("out/small-rejects/_EMBEDSPARK")));
  }

  @Test
  void embeddingsEqualTheCoreEncoderAtEveryDimAndQuantisedColumnsDecodeWithinTheirBound() {
    Map<String, Row> rows = rowsById("out/a");
    long truncated = 0;
    double worst = 0;
    double control = 0;
    try (EmbeddingModel m = CheckpointBundle.read(model).toModel(DataType.FLOAT)) {
      for (Map.Entry<String, String[]> d : TestCorpus.documents().entrySet()) {
        String text = PromptTemplate.DOCUMENT.apply(d.getValue()[0], d.getValue()[1]);
        float[] expected = m.embedTexts(List.of(text), 1)[0];
        Row row = rows.get(d.getKey());
        truncated += m.tokenizer().encode(List.of(text)).truncated()[0] ? 1 : 0;
        assertEquals(m.tokenizer().encode(List.of(text)).truncated()[0],
            row.getBoolean(row.fieldIndex("truncated")), d.getKey());
        for (int dim : DIMS) {
          float[] want = Matryoshka.truncate(expected, dim);
          float[] got = floats(row, "embedding_d" + dim);
          assertEquals(dim, got.length);
          for (int i = 0; i < dim; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]));
          }
          List<Byte> int8 = row.getList(row.fieldIndex("int8_d" + dim));
          for (int i = 0; i < dim; i++) {
            assertTrue(Math.abs(int8.get(i) / 127f - got[i])
                <= Quantization.INT8_MAX_ERROR + 1e-6, d.getKey() + " int8 coordinate " + i);
          }
          assertArrayEquals(Quantization.binary(got), (byte[]) row.getAs("binary_d" + dim));
        }
        Row other = rows.get(d.getKey().equals("d1") ? "d2" : "d1");
        double diff = 0;
        float[] otherVector = floats(other, "embedding_d16");
        float[] want = Matryoshka.truncate(expected, 16);
        for (int i = 0; i < 16; i++) {
          diff = Math.max(diff, Math.abs(otherVector[i] - want[i]));
        }
        control += diff / TestCorpus.GOOD;
      }
    }
    assertTrue(worst < 1e-5, "max |job - core| = " + worst);
    assertTrue(control > 1e-2, "negative control: other rows' vectors differ, on average by "
        + control);
    assertTrue(truncated > 0, "the corpus has texts over the limit");
    assertEquals(truncated, firstReport.truncated());
  }

  @Test
  void theOnnxRuntimeEngineWritesTheSameRowsAndVectorsAsNd4j() throws IOException {
    EmbedReport report = new EmbedJob(spark, config("out/ort", "error").withEngine("onnxruntime"),
        line -> { }).run();
    assertEquals(firstReport.embedded(), report.embedded());
    assertEquals(firstReport.rejected(), report.rejected());
    assertEquals(firstReport.truncated(), report.truncated());
    Map<String, Row> nd4j = rowsById("out/a");
    Map<String, Row> ort = rowsById("out/ort");
    assertEquals(nd4j.keySet(), ort.keySet());
    double worst = 0;
    double control = 0;
    for (String id : nd4j.keySet()) {
      float[] a = floats(nd4j.get(id), "embedding_d16");
      float[] b = floats(ort.get(id), "embedding_d16");
      float[] other = floats(ort.get(id.equals("d1") ? "d2" : "d1"), "embedding_d16");
      for (int i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        control = Math.max(control, Math.abs(a[i] - other[i]));
      }
    }
    assertTrue(worst < 1e-5, "max |onnxruntime - nd4j| = " + worst);
    assertTrue(control > 1e-2, "negative control: another row differs by " + control);
    for (Path part : partFiles("out/ort")) {
      assertEquals("onnxruntime", ParquetFiles.read(part, "embedding_d16").footer()
          .get("embedspark.engine"));
    }
  }

  @Test
  void aModelsOwnPromptsReplaceTheNamedOnes() throws IOException {
    Path e5 = root.resolve("model-e5");
    CheckpointBundle.read(model).withPrompts(
        io.embedspark.data.ModelPrompts.ofPrefixes("query: ", "passage: ")).write(e5, false);
    EmbedConfig c = config("out/e5", "error");
    new EmbedJob(spark, new EmbedConfig(e5.toString(), c.input(), "document", c.output(),
        c.batching(), c.limits()), line -> { }).run();
    for (Path part : partFiles("out/e5")) {
      assertEquals("passage: {text}", ParquetFiles.read(part, "embedding_d16").footer()
          .get("embedspark.prompt"), "the footer names the prompt applied");
    }
    Map<String, Row> rows = rowsById("out/e5");
    double worst = 0;
    double gemini = 0;
    try (EmbeddingModel m = CheckpointBundle.read(e5).toModel(DataType.FLOAT)) {
      for (Map.Entry<String, String[]> d : TestCorpus.documents().entrySet()) {
        float[] want = m.embedTexts(List.of("passage: " + d.getValue()[1]), 1)[0];
        float[] control = m.embedTexts(List.of(PromptTemplate.DOCUMENT.apply(d.getValue()[0],
            d.getValue()[1])), 1)[0];
        float[] got = floats(rows.get(d.getKey()), "embedding_d16");
        for (int i = 0; i < got.length; i++) {
          worst = Math.max(worst, Math.abs(got[i] - want[i]));
          gemini = Math.max(gemini, Math.abs(got[i] - control[i]));
        }
      }
    }
    assertTrue(worst < 1e-5, "max |job - core with passage: | = " + worst);
    assertTrue(gemini > 1e-2, "negative control: Gemini's document prompt embeds otherwise, by "
        + gemini);
  }

  @Test
  void anUnknownEngineIsRefusedNamingTheKey() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> config("out/never", "error").withEngine("tensorrt"));
    assertTrue(e.getMessage().contains("engine = 'tensorrt' must be one of nd4j, onnxruntime"),
        e.getMessage());
  }

  @Test
  void theFooterDescribesTheModelAndANonSparkReaderGetsTheSameVectors() throws IOException {
    Map<String, Row> spark = rowsById("out/a");
    Map<String, float[]> plain = new HashMap<>();
    int files = 0;
    for (Path part : partFiles("out/a")) {
      ParquetFiles.Contents c = ParquetFiles.read(part, "embedding_d16");
      files++;
      assertEquals("8,16", c.footer().get("embedspark.dims"));
      assertEquals(BundleFiles.of(model).manifestSha256(), c.footer().get("embedspark.model.manifest_sha256"));
      assertEquals(PromptTemplate.DOCUMENT.template(), c.footer().get("embedspark.prompt"));
      assertEquals("truncate", c.footer().get("embedspark.too_long"));
      assertEquals("nd4j", c.footer().get("embedspark.engine"));
      plain.putAll(c.vectors());
    }
    assertTrue(files > 0);
    assertEquals(spark.keySet(), plain.keySet());
    for (Map.Entry<String, float[]> e : plain.entrySet()) {
      assertArrayEquals(floats(spark.get(e.getKey()), "embedding_d16"), e.getValue(), e.getKey());
    }
  }

  @Test
  void duckDbReadsTheSameVectorsQuantisedColumnsAndFooter() throws Exception {
    Map<String, Row> fromSpark = rowsById("out/a");
    String files = root.resolve("out/a").toString() + "/*.parquet";
    try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement st = db.createStatement()) {
      int n = 0;
      try (java.sql.ResultSet rs = st.executeQuery("SELECT id, embedding_d8, int8_d8, binary_d8 "
          + "FROM read_parquet('" + files + "')")) {
        while (rs.next()) {
          n++;
          Row r = fromSpark.get(rs.getString(1));
          Object[] vector = (Object[]) rs.getArray(2).getArray();
          float[] expected = floats(r, "embedding_d8");
          assertEquals(expected.length, vector.length);
          for (int i = 0; i < vector.length; i++) {
            assertEquals(expected[i], ((Number) vector[i]).floatValue(), 0f, rs.getString(1));
          }
          Object[] int8 = (Object[]) rs.getArray(3).getArray();
          assertEquals(r.getList(r.fieldIndex("int8_d8")).get(0),
              ((Number) int8[0]).byteValue());
          assertArrayEquals((byte[]) r.getAs("binary_d8"), rs.getBytes(4));
        }
      }
      assertEquals(fromSpark.size(), n);
      try (java.sql.ResultSet rs = st.executeQuery("SELECT DISTINCT decode(value) FROM "
          + "parquet_kv_metadata('" + files + "') WHERE decode(key) = 'embedspark.dims'")) {
        assertTrue(rs.next());
        assertEquals("8,16", rs.getString(1));
        assertFalse(rs.next(), "the same in every file");
      }
    }
  }

  @Test
  void aRerunWithOverwriteWritesFilesOfIdenticalContent() throws IOException {
    new EmbedJob(spark, config("out/b", "overwrite"), line -> { }).run();
    Map<String, byte[]> first = contents("out/b");
    Map<String, List<String>> firstRejects = rejects("out/b-rejects");
    new EmbedJob(spark, config("out/b", "overwrite"), line -> { }).run();
    Map<String, byte[]> second = contents("out/b");
    assertEquals(first.keySet(), second.keySet());
    for (String name : first.keySet()) {
      assertArrayEquals(first.get(name), second.get(name), name);
    }
    assertEquals(firstRejects, rejects("out/b-rejects"));
  }

  @Test
  void tooLongTextsAndDuplicatesFollowTheirPolicies() {
    EmbedConfig base = config("out/policies", "overwrite");
    EmbedConfig strict = new EmbedConfig(base.model(), base.input(), base.prompt(), base.output(),
        base.batching(), new EmbedConfig.Limits("reject", "keep"));
    EmbedReport r = new EmbedJob(spark, strict, line -> { }).run();
    long secondD5TooLong;
    long firstD5TooLong;
    try (EmbeddingModel m = CheckpointBundle.read(model).toModel(DataType.FLOAT)) {
      secondD5TooLong = m.tokenizer().encode(List.of(PromptTemplate.DOCUMENT.apply("",
          "a second d5"))).truncated()[0] ? 1 : 0;
      String[] d5 = TestCorpus.documents().get("d5");
      firstD5TooLong = m.tokenizer().encode(List.of(PromptTemplate.DOCUMENT.apply(d5[0],
          d5[1]))).truncated()[0] ? 1 : 0;
    }
    assertEquals(firstReport.truncated() + secondD5TooLong, (long) r.rejected().get("too_long"),
        "every text that was truncated is now rejected");
    assertEquals(0, r.truncated());
    assertEquals(null, r.rejected().get("duplicate_id"), "duplicates kept");
    assertEquals(r.read(), r.embedded() + r.rejectedTotal());
    long d5 = spark.read().parquet(root.resolve("out/policies").toString())
        .filter("id = 'd5'").count();
    assertEquals(2 - firstD5TooLong - secondD5TooLong, d5,
        "both rows of the duplicated id kept unless too long");

    EmbedConfig failing = new EmbedConfig(base.model(), base.input(), base.prompt(),
        base.output(), base.batching(), new EmbedConfig.Limits("truncate", "fail"));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new EmbedJob(spark, failing, line -> { }).run());
    assertTrue(e.getMessage().contains("'d5' x2"), e.getMessage());
  }

  @Test
  void aJobEmbedsUpToItsOwnMaxLengthWhenItSetsOne() {
    int longer = 64;
    EmbedConfig base = config("out/longer", "overwrite");
    EmbedConfig c = new EmbedConfig(base.model(), base.input(), base.prompt(), base.output(),
        new EmbedConfig.Batching(2 * longer, 8, 16), new EmbedConfig.Limits(null, null, longer));
    EmbedReport r = new EmbedJob(spark, c, line -> { }).run();
    CheckpointBundle bundle = CheckpointBundle.read(model);
    int compared = 0;
    try (EmbeddingModel cut = bundle.toModel(DataType.FLOAT);
        EmbeddingModel whole = bundle.withMaxSequenceLength(longer, "max_length")
            .toModel(DataType.FLOAT)) {
      long truncatedAtLonger = 0;
      Map<String, Row> out = rowsById("out/longer");
      for (Map.Entry<String, String[]> d : TestCorpus.documents().entrySet()) {
        String text = PromptTemplate.DOCUMENT.apply(d.getValue()[0], d.getValue()[1]);
        truncatedAtLonger += whole.tokenizer().encode(List.of(text)).truncated()[0] ? 1 : 0;
        if (!cut.tokenizer().encode(List.of(text)).truncated()[0]) {
          continue;
        }
        float[] embedded = floats(out.get(d.getKey()), "embedding_d16");
        assertArrayEquals(whole.embedTexts(List.of(text), 1)[0], embedded, 1e-5f, d.getKey());
        float[] atBundleLength = cut.embedTexts(List.of(text), 1)[0];
        assertTrue(java.util.stream.IntStream.range(0, embedded.length)
            .anyMatch(i -> Math.abs(embedded[i] - atBundleLength[i]) > 1e-3f),
            d.getKey() + ": embedded past the bundle's " + TestCorpus.MAX_LENGTH + " tokens");
        compared++;
      }
      assertEquals(truncatedAtLonger, r.truncated());
    }
    assertTrue(compared > 0 && firstReport.truncated() > 0,
        "some documents are longer than the bundle's length");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new EmbedJob(spark, new EmbedConfig(base.model(), base.input(), base.prompt(),
            base.output(), base.batching(), new EmbedConfig.Limits(null, null, 65)),
            line -> { }).run());
    assertTrue(e.getMessage().contains("limits.max_length = 65 must be in 1..64"),
        e.getMessage());
    // A caller's own bundle files follow the same rule: the config's length over the files'.
    EmbedConfig viaFiles = new EmbedConfig(c.model(), c.input(), c.prompt(),
        config("out/longer-files", "overwrite").output(), c.batching(), c.limits());
    EmbedReport fromFiles = new EmbedJob(spark, viaFiles, io.embedspark.spark.BundleFiles
        .of(model).withMaxLength(TestCorpus.MAX_LENGTH / 2, "max_length"), line -> { }).run();
    assertEquals(r.truncated(), fromFiles.truncated());
    Map<String, Row> byConfig = rowsById("out/longer");
    Map<String, Row> byFiles = rowsById("out/longer-files");
    assertEquals(byConfig.keySet(), byFiles.keySet());
    byFiles.forEach((id, row) -> assertArrayEquals(
        floats(byConfig.get(id), "embedding_d16"), floats(row, "embedding_d16"), id));
  }

  @Test
  void parquetInputWithNumericIdsAndCustomColumnNames() {
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("doc_no", org.apache.spark.sql.types.DataTypes.LongType)
        .add("body", org.apache.spark.sql.types.DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 30; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(i, i == 7 ? null : "shared library " + i));
    }
    String input = root.resolve("in/numbers.parquet").toString();
    spark.createDataFrame(rows, schema).repartition(3).write().mode("overwrite").parquet(input);
    EmbedConfig c = new EmbedConfig(model.toString(),
        new EmbedConfig.Input(input, "parquet", "doc_no", "body", null), "query",
        new EmbedConfig.Output(root.resolve("out/numbers").toString(), null, "error",
            List.of(16), false, false), null, null);
    EmbedReport r = new EmbedJob(spark, c, line -> { }).run();
    assertEquals(30, r.read());
    assertEquals(29, r.embedded());
    assertEquals(Map.of("empty_text", 1L), r.rejected());
    Map<String, Row> out = rowsById("out/numbers");
    assertTrue(out.containsKey("12") && !out.containsKey("7"), out.keySet().toString());
    try (EmbeddingModel m = CheckpointBundle.read(model).toModel(DataType.FLOAT)) {
      float[] expected = m.embedTexts(List.of(PromptTemplate.SEARCH_QUERY.apply(null,
          "shared library 12")), 1)[0];
      assertArrayEquals(expected, floats(out.get("12"), "embedding_d16"), 1e-5f,
          "the query prompt was applied");
    }
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new EmbedJob(spark, new EmbedConfig(model.toString(),
            new EmbedConfig.Input(input, "parquet", "doc_no", "text", null), "query",
            new EmbedConfig.Output(root.resolve("out/numbers2").toString(), null, "error",
                List.of(16), false, false), null, null), line -> { }).run());
    assertTrue(e.getMessage().contains("no column text") && e.getMessage().contains("body"),
        e.getMessage());
  }

  @Test
  void existingOutputIsNotReplacedWithoutOverwrite() throws IOException {
    Map<String, byte[]> before = contents("out/a");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new EmbedJob(spark, config("out/a", "error"), line -> { }).run());
    assertTrue(e.getMessage().contains("output.path"), e.getMessage());
    Map<String, byte[]> after = contents("out/a");
    assertEquals(before.keySet(), after.keySet());
  }

  @Test
  void overwriteRefusesADirectoryThisProjectDidNotWriteAndKeepsItsFiles() throws IOException {
    Path foreign = root.resolve("out/foreign");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("thesis.tex"), "years of work");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new EmbedJob(spark, config("out/foreign", "overwrite"), line -> { }).run());
    assertTrue(e.getMessage().contains("output.path = " + foreign)
        && e.getMessage().contains("was not written by embedspark"), e.getMessage());
    assertEquals("years of work", Files.readString(foreign.resolve("thesis.tex")));
    assertTrue(Files.exists(root.resolve("out/a").resolve(OutputDirectories.MARKER)),
        "negative control: the job's own output carries the marker, so overwrite may replace it");
  }

  @Test
  void anOutputThatHoldsTheInputOrTheModelIsRefused() throws IOException {
    EmbedConfig c = config("out/never", "overwrite");
    EmbedConfig intoInput = new EmbedConfig(c.model(), c.input(), c.prompt(),
        new EmbedConfig.Output(corpus.getParent().toString(), root.resolve("out/r").toString(),
            "overwrite", List.of(), false, false), c.batching(), c.limits());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new EmbedJob(spark, intoInput, line -> { }).run());
    assertTrue(e.getMessage().startsWith("output.path = " + corpus.getParent() + " overlaps "
        + "input.path"), e.getMessage());
    assertTrue(Files.exists(corpus), "the input is untouched");
    EmbedConfig aroundModel = new EmbedConfig(c.model(), c.input(), c.prompt(),
        new EmbedConfig.Output(root.resolve("out/ok").toString(), root.toString(), "overwrite",
            List.of(), false, false), c.batching(), c.limits());
    e = assertThrows(InvalidInputException.class,
        () -> new EmbedJob(spark, aroundModel, line -> { }).run());
    assertTrue(e.getMessage().contains("output.rejects = " + root + " overlaps"), e.getMessage());
    assertTrue(Files.exists(model.resolve("manifest.json")), "the model is untouched");
  }

  @Test
  void aModelThatEmbedsNaNFailsTheJobNamingARowAndPublishesNothing() throws IOException {
    CheckpointBundle b = CheckpointBundle.read(model);
    Map<String, io.embedspark.io.FloatTensor> huge = new java.util.LinkedHashMap<>(
        b.parameters().tensors());
    String words = io.embedspark.model.ParameterNames.WORD_EMBEDDINGS;
    float[] values = huge.get(words).values().clone();
    java.util.Arrays.fill(values, Float.MAX_VALUE);
    huge.put(words, new io.embedspark.io.FloatTensor(huge.get(words).shape(), values));
    Path overflowing = root.resolve("overflowing-model");
    b.with(io.embedspark.model.ModelParameters.of(huge, b.config().model(), "test"),
        b.provenance()).write(overflowing, false);
    EmbedConfig c = config("out/nan", "error");
    EmbedConfig nan = new EmbedConfig(overflowing.toString(), c.input(), c.prompt(), c.output(),
        c.batching(), c.limits());
    Exception e = assertThrows(Exception.class, () -> new EmbedJob(spark, nan, line -> { }).run());
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t.getMessage()).append('\n');
    }
    String message = chain.toString();
    assertTrue(message.contains("embeds the row with id '") && message.contains("non-finite"),
        message);
    assertFalse(Files.exists(root.resolve("out/nan")), "nothing published");
  }

  @Test
  void whatAKilledRunLeftBesideTheOutputIsSweptAndForeignFilesAreKept() throws IOException {
    // A killed run: its staging directory was claimed, then Spark wrote a cut file into it.
    OutputDirectories dirs = new OutputDirectories(spark.sparkContext().hadoopConfiguration());
    Path leftover = Path.of(dirs.staging(root.resolve("out/swept").toString()));
    Files.createDirectories(leftover);
    Files.write(leftover.resolve("part-r-00000.snappy.parquet"), new byte[] {'P', 'A', 'R'});
    Path unclaimed = root.resolve("out/.swept.staging-mine");
    Files.createDirectories(unclaimed);
    Files.writeString(unclaimed.resolve("notes.txt"), "a user's own directory");
    Path lookalike = root.resolve("out/.sweptother.staging-x");
    Files.createDirectories(lookalike);
    new EmbedJob(spark, config("out/swept", "error"), line -> { }).run();
    assertFalse(Files.exists(leftover), "the killed run's staging directory is gone");
    assertFalse(Files.exists(Path.of(leftover + ".claim")), "and its claim");
    assertTrue(Files.exists(unclaimed.resolve("notes.txt")),
        "a directory of that name without this job's claim is not touched");
    assertTrue(Files.exists(lookalike), "another output's directory is not touched");
    try (Stream<Path> beside = Files.list(root.resolve("out"))) {
      assertTrue(beside.noneMatch(f -> f.getFileName().toString().endsWith(".claim")),
          "a finished run leaves no claim behind");
    }
  }

  @Test
  void anEmptyInputIsNamedBeforeSparkReadsIt() throws IOException {
    Path emptyDir = root.resolve("in-empty");
    Files.createDirectories(emptyDir);
    Path emptyFile = root.resolve("in-empty-file.jsonl");
    Files.writeString(emptyFile, "");
    for (Path p : List.of(emptyDir, emptyFile)) {
      EmbedConfig c = config("out/empty", "error");
      for (String format : List.of("parquet", "jsonl")) {
        EmbedConfig empty = new EmbedConfig(c.model(), new EmbedConfig.Input(p.toString(), format,
            "id", "text", ""), c.prompt(), c.output(), c.batching(), c.limits());
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> new EmbedJob(spark, empty, line -> { }).run());
        assertTrue(e.getMessage().startsWith("input.path = " + p), e.getMessage());
      }
    }
  }

  @Test
  void aRunThatFailsHalfwayLeavesNoOutputVisible() throws IOException {
    spark.sparkContext().hadoopConfiguration().set("fs." + FailingFileSystem.SCHEME + ".impl",
        FailingFileSystem.class.getName());
    spark.sparkContext().hadoopConfiguration().setBoolean(
        "fs." + FailingFileSystem.SCHEME + ".impl.disable.cache", true);
    EmbedConfig base = config("out/failed", "error");
    EmbedConfig failing = new EmbedConfig(base.model(), base.input(), base.prompt(),
        new EmbedConfig.Output(FailingFileSystem.SCHEME + "://" + base.output().path(), null,
            "error", base.output().dims(), true, true), base.batching(), base.limits());
    Exception e = assertThrows(Exception.class,
        () -> new EmbedJob(spark, failing, line -> { }).run());
    assertTrue(stackContains(e, "injected failure"), "failed for the injected reason: " + e);
    try (Stream<Path> left = Files.list(root.resolve("out"))) {
      List<String> visible = left.map(p -> p.getFileName().toString())
          .filter(n -> n.contains("failed") && !n.startsWith(".")).collect(Collectors.toList());
      assertEquals(List.of(), visible, "no output is visible");
    }
    assertTrue(partFiles("out/a").size() > 1, "the corpus spans several partitions");
  }

  private static boolean stackContains(Throwable t, String text) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (String.valueOf(c.getMessage()).contains(text)) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> partFiles(String out) throws IOException {
    try (Stream<Path> s = Files.list(root.resolve(out))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted()
          .collect(Collectors.toList());
    }
  }

  private static Map<String, byte[]> contents(String out) throws IOException {
    Map<String, byte[]> c = new TreeMap<>();
    for (Path p : partFiles(out)) {
      c.put(p.getFileName().toString(), Files.readAllBytes(p));
    }
    return c;
  }

  private static Map<String, List<String>> rejects(String out) {
    Map<String, List<String>> m = new TreeMap<>();
    for (Row r : spark.read().parquet(root.resolve(out).toString()).collectAsList()) {
      m.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(0) + "|"
          + r.getString(2));
    }
    m.values().forEach(java.util.Collections::sort);
    return m;
  }
}
