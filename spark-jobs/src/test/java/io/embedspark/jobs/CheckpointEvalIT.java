package io.embedspark.jobs;

import io.embedspark.cli.Main;
import io.embedspark.spark.SparkSessions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.eval.report.EvalReport;
import io.embedspark.jobs.eval.CheckpointEvaluation;
import io.embedspark.jobs.eval.EvalConfig;
import io.embedspark.jobs.eval.EvalJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The train job evaluating every checkpoint on dev tasks in the same Spark application, and the
 * greedy soup picking checkpoints by that dev metric, both through the CLI on real Spark.
 */
class CheckpointEvalIT {
  private static final Path SAMPLE = Path.of("../data/sample").toAbsolutePath().normalize();

  @Test
  void everyCheckpointIsEvaluatedAndTheGreedySoupIsNoWorseThanTheBestCheckpoint(@TempDir Path tmp)
      throws IOException {
    Path dev = tmp.resolve("eval-dev.yaml");
    Files.writeString(dev, "retrieval: {top_k: 20, ks: [10, 20], bm25: false}\n"
        + "tasks:\n"
        + "  - {name: dev, type: retrieval, path: " + SAMPLE.resolve("retrieval-dev")
        + ", split: dev}\n");
    Path train = tmp.resolve("train.yaml");
    Files.writeString(train, "model: tiny\nrun_dir: " + tmp.resolve("run") + "\n"
        + "datasets:\n  - {name: pairs, path: " + SAMPLE.resolve("pairs/train.jsonl")
        + ", fields: {positive: passage}}\n"
        + "tokenizer: {vocab_size: 300, max_length: 24}\n"
        + "train: {steps: 6, global_batch_size: 16, chunk_size: 16, checkpoint_every: 2, "
        + "learning_rate: 0.003}\n"
        + "eval: {config: " + dev + "}\n");
    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(new org.apache.commons.io.output.TeeOutputStream(out,
        console), true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.commandLine().execute("train", "--config", train.toString(),
          "--master", "local[2]"));
    } finally {
      System.setOut(out);
    }

    Path run = tmp.resolve("run");
    List<CheckpointEvaluation.Entry> all = CheckpointEvaluation.read(run);
    assertEquals(List.of(0L, 2L, 4L, 6L), all.stream().map(CheckpointEvaluation.Entry::step)
        .toList(), "the start model first, then every checkpoint");
    CheckpointEvaluation.Entry start = all.get(0);
    assertEquals(CheckpointEvaluation.START, start.checkpoint());
    assertTrue(Files.isRegularFile(run.resolve("eval/start/report.md")));
    assertFalse(Files.exists(run.resolve("eval/start/model")), "the start's scratch bundle is gone");
    List<CheckpointEvaluation.Entry> entries = all.subList(1, all.size());
    String printed = console.toString(java.nio.charset.StandardCharsets.UTF_8);
    for (CheckpointEvaluation.Entry e : entries) {
      // Each checkpoint's task beside the start's, flagged when it fell below it.
      String line = String.format(java.util.Locale.ROOT, "dev/ndcg@10/d16 = %.4f, start %.4f",
          e.value(), start.value());
      boolean fell = e.value() < start.value() - CheckpointEvaluation.FORGETTING;
      assertTrue(printed.contains((fell ? "WARNING: fell below the start model: " : "  ") + line),
          line + (fell ? " with a warning" : " without one") + " in:\n" + printed);
    }
    for (CheckpointEvaluation.Entry e : all) {
      assertEquals("dev/ndcg@10/d16", e.metric());
      assertEquals(e.value(), e.metrics().get("dev/ndcg@10/d16"));
      assertTrue(e.metrics().containsKey("dev/recall@20/d8"), e.metrics().keySet().toString());
      assertTrue(Files.isRegularFile(run.resolve("eval").resolve(e.checkpoint())
          .resolve("report.md")));
    }
    assertTrue(Files.size(run.resolve(CheckpointEvaluation.CURVE)) > 0);

    assertEquals(0, Main.commandLine().execute("soup", "--greedy-from", run.toString(),
        "--eval-config", dev.toString(), "--master", "local[2]", "--out",
        tmp.resolve("soup").toString()));
    double best = entries.stream().mapToDouble(CheckpointEvaluation.Entry::value).max()
        .orElseThrow();
    try (SparkSession spark = SparkSessions.create("CheckpointEvalIT", "local[2]")) {
      EvalConfig suite = io.embedspark.config.YamlConfig.load(dev, List.of(), EvalConfig.class);
      EvalReport soup = new EvalJob(spark, new EvalConfig(tmp.resolve("soup").toString(), "soup",
          tmp.resolve("soup-eval").toString(), null, List.of(), 42L, suite.retrieval(),
          Map.of(), suite.tasks(), null), line -> { }).evaluate();
      assertTrue(soup.metrics().get("dev/ndcg@10/d16") >= best - 1e-12,
          "greedy soup " + soup.metrics().get("dev/ndcg@10/d16") + " vs best checkpoint " + best);
    }
  }
}
