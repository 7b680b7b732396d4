package io.embedspark.jobs.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.data.JsonlTexts;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingData;
import io.embedspark.data.TrainingExample;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.PresetModels;
import io.embedspark.jobs.train.TrainingRows;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.spark.VectorColumns;
import io.embedspark.testing.TestWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The mine job on real Spark (local[2]) over pairs of the bundled sample. */
class MineJobIT {
  private static final Path SAMPLE = Path.of("../data/sample");
  /** Negative, so candidates a little above a random model's positive score survive. */
  private static final double MARGIN = -0.2;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().appName("MineJobIT").master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "3")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void negativesComeFromTheRankWindowAndPassTheFalseNegativeFilters(@TempDir Path tmp)
      throws IOException {
    List<String> lines = Files.readAllLines(SAMPLE.resolve("pairs/train.jsonl")).subList(0, 150);
    Path pairs = tmp.resolve("pairs.jsonl");
    Files.write(pairs, lines);
    Path model = tmp.resolve("model");
    tinyModel(pairs).write(model, true);
    MineConfig config = new MineConfig(model.toString(), new MineConfig.Input(pairs.toString(),
        "jsonl", "id", "query", "passage"), tmp.resolve("triples").toString(), null, 8, 2, 10,
        2, "top", MARGIN, 0.9, 1L);
    MineJob.Report report = new MineJob(spark, config, line -> { }).run();

    assertEquals(150, report.pairs());
    assertEquals(150L * 9, report.candidates(), "ranks 2-10 of every query");
    assertEquals(report.candidates(), report.removedMaxScore() + report.removedMargin()
        + report.kept(), "every candidate kept or removed by one filter");

    // Independent check: exhaustive search in double over the embeddings the job wrote.
    Map<String, float[]> passages = vectors(tmp.resolve("triples-work/passages"));
    Map<String, float[]> queries = vectors(tmp.resolve("triples-work/queries"));
    Map<String, String> passageIdByText = new HashMap<>();
    for (Row r : spark.read().json(tmp.resolve("triples-work/passages-input").toString())
        .collectAsList()) {
      passageIdByText.put(r.getString(r.fieldIndex("text")), r.getString(r.fieldIndex("id")));
    }
    List<Row> out = spark.read().json(config.output()).orderBy("id").collectAsList();
    assertEquals(150, out.size());
    int checked = 0;
    for (int i = 0; i < lines.size(); i++) {
      String positive = passageIdByText.get(JsonlTexts.rows(pairs).get(i).get("passage")
          .asText());
      float[] q = queries.get("q" + i);
      List<Map.Entry<String, Double>> ranked = new ArrayList<>();
      for (Map.Entry<String, float[]> p : passages.entrySet()) {
        if (!p.getKey().equals(positive)) {
          ranked.add(Map.entry(p.getKey(), dot(q, p.getValue())));
        }
      }
      ranked.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
      double positiveScore = dot(q, passages.get(positive));
      String id = JsonlTexts.rows(pairs).get(i).get("id").asText();
      Row row = out.stream().filter(r -> r.getString(r.fieldIndex("id")).equals(id)).findFirst()
          .orElseThrow();
      assertEquals(positiveScore, row.getDouble(row.fieldIndex("positive_score")), 1e-5);
      List<String> negatives = row.getList(row.fieldIndex("negatives"));
      List<Long> ranks = row.getList(row.fieldIndex("negative_ranks"));
      List<Double> scores = row.getList(row.fieldIndex("negative_scores"));
      for (int n = 0; n < negatives.size(); n++) {
        int rank = ranks.get(n).intValue();
        assertTrue(rank >= 2 && rank <= 10, "rank " + rank);
        assertEquals(ranked.get(rank - 1).getKey(), passageIdByText.get(negatives.get(n)),
            "query " + i + " rank " + rank);
        assertEquals(ranked.get(rank - 1).getValue(), scores.get(n), 1e-5);
        assertTrue(scores.get(n) <= 0.9 && scores.get(n) <= positiveScore - MARGIN + 1e-6);
        checked++;
      }
    }
    assertEquals(report.negativesWritten(), checked);
    assertTrue(checked > 0, "some negatives survive the filters");
    assertTrue(report.removedMargin() + report.removedMaxScore() > 0, "the filters remove some");

    List<TrainingExample> rows = TrainingRows.read(spark, config.output(), "json",
        TrainingData.Fields.DEFAULT, "retrieval");
    assertEquals(150, rows.size(), "the triples read as finetune rows");

    // Negative control: a ceiling below every score removes every candidate.
    MineConfig strict = new MineConfig(model.toString(), config.input(),
        tmp.resolve("strict").toString(), null, 8, 2, 10, 2, "top", MARGIN, -1.0, 1L);
    MineJob.Report none = new MineJob(spark, strict, line -> { }).run();
    assertEquals(none.candidates(), none.removedMaxScore());
    assertEquals(150, none.queriesWithoutNegatives());
  }

  @Test
  void queriesAndPassagesAreEmbeddedWithThePromptsOfTheTaskTheFinetuneTrains(@TempDir Path tmp)
      throws IOException {
    Fixture f = Fixture.write(tmp);
    Map<String, Double> bitext = positiveScores(new MineConfig(f.model(), f.input(),
        tmp.resolve("bitext").toString(), null, 8, 1, 5, 1, "top", -1.0, 1.0, 1L, null,
        "bitext"));
    Map<String, Double> retrieval = positiveScores(new MineConfig(f.model(), f.input(),
        tmp.resolve("retrieval").toString(), null, 8, 1, 5, 1, "top", -1.0, 1.0, 1L));

    // Independent check: the bundle's own model on the texts as they are (bitext: no prompt),
    // and with Gemini's retrieval prompts (the default task), at 8 dims.
    TaskPrompts gemini = TaskPrompts.gemini();
    List<String> ids = f.ids();
    try (EmbeddingModel m = f.bundle().toModel(DataType.FLOAT)) {
      double[] plain = cosines(m, f.queries(), f.positives());
      double[] prompted = cosines(m,
          f.queries().stream().map(q -> gemini.query("retrieval", q)).toList(),
          f.positives().stream().map(p -> gemini.document("retrieval", p)).toList());
      double largestGap = 0;
      for (int i = 0; i < ids.size(); i++) {
        assertEquals(plain[i], bitext.get(ids.get(i)), 1e-4, "bitext, pair " + ids.get(i));
        assertEquals(prompted[i], retrieval.get(ids.get(i)), 1e-4, "retrieval, " + ids.get(i));
        largestGap = Math.max(largestGap, Math.abs(plain[i] - prompted[i]));
      }
      assertTrue(largestGap > 1e-2, "negative control: the prompts change the scores");
    }
  }

  @Test
  void aMaxLengthEmbedsTheQueriesAndPassagesUpToIt(@TempDir Path tmp) throws IOException {
    Fixture f = Fixture.write(tmp);
    MineConfig config = new MineConfig(f.model(), f.input(), tmp.resolve("mined").toString(),
        null, 8, 1, 5, 1, "top", -1.0, 1.0, 1L, null, "bitext", 64);
    Map<String, Double> mined = positiveScores(config);
    for (String side : List.of("queries", "passages")) {
      try (java.util.stream.Stream<Path> files = Files.list(Path.of(config.work(), side))) {
        for (Path part : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
          assertEquals("64", io.embedspark.jobs.embed.ParquetFiles.read(part, "embedding_d8")
              .footer().get("embedspark.model.max_sequence_length"), side);
        }
      }
    }

    // Independent check: the bundle cut at 64 tokens (its positions) on the texts as they are.
    List<String> ids = f.ids();
    try (EmbeddingModel longer = f.bundle().withMaxSequenceLength(64, "max_length")
        .toModel(DataType.FLOAT); EmbeddingModel own = f.bundle().toModel(DataType.FLOAT)) {
      double[] expected = cosines(longer, f.queries(), f.positives());
      double[] cut = cosines(own, f.queries(), f.positives());
      double largestGap = 0;
      for (int i = 0; i < ids.size(); i++) {
        assertEquals(expected[i], mined.get(ids.get(i)), 1e-4, "pair " + ids.get(i));
        largestGap = Math.max(largestGap, Math.abs(expected[i] - cut[i]));
      }
      assertTrue(largestGap > 1e-2, "negative control: the bundle's 24 tokens cut passages");
    }
  }

  /** Forty sample pairs and a tiny model over them, written under a test's directory. */
  private record Fixture(String model, CheckpointBundle bundle, MineConfig.Input input,
      List<String> ids, List<String> queries, List<String> positives) {
    static Fixture write(Path tmp) throws IOException {
      Path pairs = tmp.resolve("pairs.jsonl");
      Files.write(pairs, Files.readAllLines(SAMPLE.resolve("pairs/train.jsonl")).subList(0, 40));
      Path model = tmp.resolve("model");
      CheckpointBundle bundle = tinyModel(pairs);
      bundle.write(model, true);
      List<String> ids = new ArrayList<>();
      List<String> queries = new ArrayList<>();
      List<String> positives = new ArrayList<>();
      for (var row : JsonlTexts.rows(pairs)) {
        ids.add(row.get("id").asText());
        queries.add(row.get("query").asText());
        positives.add(row.get("passage").asText());
      }
      return new Fixture(model.toString(), bundle, new MineConfig.Input(pairs.toString(),
          "jsonl", "id", "query", "passage"), ids, queries, positives);
    }
  }

  /** A tiny model over the pairs' texts with spread weights, so that texts differ. */
  private static CheckpointBundle tinyModel(Path pairs) throws IOException {
    CheckpointBundle init = PresetModels.initialise("tiny",
        JsonlTexts.texts(pairs, "query", "passage"), 300, 24, 3L, "sample");
    return init.with(TestWeights.spread(init.parameters(), init.config().model(), 0.3, 5),
        init.provenance());
  }

  private static Map<String, Double> positiveScores(MineConfig config) {
    new MineJob(spark, config, line -> { }).run();
    Map<String, Double> out = new HashMap<>();
    for (Row r : spark.read().json(config.output()).collectAsList()) {
      out.put(r.getString(r.fieldIndex("id")), r.getDouble(r.fieldIndex("positive_score")));
    }
    return out;
  }

  /** Cosine of each (a, b) pair at the first 8 dims, renormalised as Matryoshka truncation. */
  private static double[] cosines(EmbeddingModel m, List<String> a, List<String> b) {
    float[][] x = m.embedTexts(a, 16);
    float[][] y = m.embedTexts(b, 16);
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      float[] u = java.util.Arrays.copyOf(x[i], 8);
      float[] v = java.util.Arrays.copyOf(y[i], 8);
      out[i] = dot(u, v) / Math.sqrt(dot(u, u) * dot(v, v));
    }
    return out;
  }

  private static Map<String, float[]> vectors(Path parquet) {
    Map<String, float[]> out = new HashMap<>();
    for (Row r : spark.read().parquet(parquet.toString()).select("id", "embedding_d8")
        .collectAsList()) {
      out.put(r.getString(0), VectorColumns.floats(r.getList(1)));
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
