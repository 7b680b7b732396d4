package io.embedspark.jobs.demo;

import io.embedspark.spark.SparkSessions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.data.JsonlTexts;
import io.embedspark.data.PromptTemplate;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.model.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The demo end to end on real Spark local[2] with the bundled sample and the tiny preset. */
class DemoJobIT {
  private static final Path SAMPLE = Path.of("../data/sample");
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.create("DemoJobIT", "local[2]");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void embedsTheSampleIntoParquetWithTheCoreEncodersVectors(@TempDir Path work)
      throws java.io.IOException {
    DemoJob.Summary summary = DemoJob.run(
        new DemoJob.Options(SAMPLE, work, "tiny", 600, 64, 0, 7L, 3), spark);

    Dataset<Row> corpus = spark.read().parquet(work.resolve("embeddings/corpus").toString());
    assertEquals("struct<id:string,truncated:boolean,embedding_d8:array<float>,"
        + "embedding_d16:array<float>>",
        corpus.schema().simpleString(), "the embed job's output at the tiny model's dims");
    List<JsonNode> docs = JsonlTexts.rows(SAMPLE.resolve("retrieval/corpus.jsonl"));
    assertEquals(docs.size(), corpus.count(), "one embedding row per document");

    Map<String, float[]> fromSpark = new HashMap<>();
    for (Row r : corpus.collectAsList()) {
      fromSpark.put(r.getString(0), io.embedspark.spark.VectorColumns.floats(r.getList(3)));
    }
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (JsonNode d : docs.subList(0, 20)) {
      ids.add(d.get("_id").asText());
      texts.add(PromptTemplate.DOCUMENT.apply(d.get("title").asText(), d.get("text").asText()));
    }
    CheckpointBundle bundle = CheckpointBundle.read(work.resolve("model"));
    try (EmbeddingModel model = bundle.toModel(DataType.FLOAT)) {
      float[][] local = model.embedTexts(texts, 7);
      for (int i = 0; i < ids.size(); i++) {
        float[] s = fromSpark.get(ids.get(i));
        double norm = 0;
        for (int j = 0; j < s.length; j++) {
          assertEquals(local[i][j], s[j], 2e-6, "doc " + ids.get(i) + " coordinate " + j);
          norm += s[j] * s[j];
        }
        assertEquals(1.0, norm, 1e-5, "unit length");
      }
    }
    assertTrue(summary.recallAt10() >= 0 && summary.recallAt10() <= 1);
    assertEquals(2, summary.bitextF1().size());
    io.embedspark.eval.report.EvalReport report = io.embedspark.eval.report.EvalReport.read(
        work.resolve("eval/report.json"));
    assertEquals(7, report.mainMetrics().size(), "every task of the sample suite");
    for (String stage : List.of("prefinetune", "soup")) {
      io.embedspark.eval.report.EvalReport r = io.embedspark.eval.report.EvalReport.read(
          work.resolve("eval-" + stage + "/report.json"));
      assertEquals(report.mainMetrics().keySet(), r.mainMetrics().keySet(),
          stage + " is scored on the same suite");
    }
    assertTrue(java.nio.file.Files.exists(work.resolve("soup/manifest.json")),
        "the greedy soup is written as a bundle");
    try (var entries = java.nio.file.Files.list(work)) {
      assertEquals(List.of(), entries.map(e -> e.getFileName().toString())
          .filter(n -> n.startsWith(io.embedspark.jobs.eval.GreedySoup.SCRATCH_PREFIX)).toList(),
          "the soup's scratch directory of trial soups is deleted, and only it");
    }
    assertTrue(java.nio.file.Files.isDirectory(work.resolve("finetune")),
        "negative control: the run directories the soup read are kept");
    assertTrue(report.baselines().get("bm25").containsKey("debian-retrieval/ndcg@10"));
    assertEquals(summary.recallAt10(), report.metrics().get("debian-retrieval/recall@10/d16"));
    assertTrue(java.nio.file.Files.isRegularFile(work.resolve("eval/plots/dims.png")));
    // The finetune stage evaluated its start and its one checkpoint on the dev split.
    List<JsonNode> evals = JsonlTexts.rows(work.resolve("finetune/eval.jsonl"));
    assertEquals(List.of("start", "step-00000001"), evals.stream()
        .map(e -> e.get("checkpoint").asText()).toList());
    assertEquals("debian-dev-retrieval/ndcg@10/d16", evals.get(1).get("metric").asText());
  }
}
