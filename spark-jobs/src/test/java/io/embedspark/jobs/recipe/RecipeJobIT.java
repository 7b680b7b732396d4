package io.embedspark.jobs.recipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.config.YamlConfig;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.jobs.eval.BestCheckpoint;
import io.embedspark.jobs.eval.CheckpointEvaluation;
import io.embedspark.jobs.eval.SampleModel;
import io.embedspark.spark.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole recipe on real Spark local[2] over the bundled sample, from a tiny bundle: every
 * stage runs once, stage 1 hands on its best checkpoint on dev (not its last), a rerun skips them
 * all, a rerun with another start is refused, and a filter naming a column the data lacks is
 * named.
 */
class RecipeJobIT {
  private static final Path SAMPLE = SampleModel.SAMPLE.toAbsolutePath().normalize();
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.create("RecipeJobIT", "local[2]");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void everyStageRunsOnceAndARerunSkipsThemAll(@TempDir Path dir) throws IOException {
    RecipeConfig config = write(dir, "{section: python}");
    List<String> lines = new ArrayList<>();
    Map<String, EvalReport> reports = new RecipeJob(spark, config, lines::add).run();

    assertEquals(RecipeConfig.MODELS, List.copyOf(reports.keySet()), "one report per model");
    assertTrue(lines.contains("  dataset pairs: 178 rows from " + SAMPLE.resolve(
        "pairs/train.jsonl") + " where {section=python} (weight 1.0)"),
        "the where filter keeps the python rows only: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  dataset retrieval-mined: 2454 rows "
        + "from " + dir.resolve("work/mine/triples"))), "the mined triples join the finetune");
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("stage 2/10 pre-finetune (")
        && l.contains(" left)")), "no estimate before a stage was timed: " + lines);
    for (String later : List.of("stage 4/10 mine hard negatives (",
        "stage 10/10 test suite: soup (")) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(later) && l.matches(
          ".*; about \\d+m\\d\\ds left\\)")), "an estimate of the time left: " + lines);
    }
    Path work = dir.resolve("work");
    CheckpointBundle start = CheckpointBundle.read(work.resolve("start"));
    assertEquals(List.of(8, 16), start.config().model().matryoshkaDims(),
        "the bundle's own Matryoshka dims");
    for (String stage : List.of("prefinetune/model", "prefinetuned", "finetune/model", "soup")) {
      assertTrue(Files.isRegularFile(work.resolve(stage).resolve("config.json")), stage);
    }
    // Stage 1 hands on its best checkpoint on dev: the finetune starts from it, as its own dev
    // score of its start shows, and it is one checkpoint, not the other.
    List<CheckpointEvaluation.Entry> pre = CheckpointEvaluation.read(work.resolve("prefinetune"))
        .stream().filter(e -> e.step() > 0).toList();
    assertEquals(2, pre.size(), "both pre-finetune checkpoints scored on dev: " + pre);
    BestCheckpoint.Choice best = BestCheckpoint.of(work.resolve("prefinetune")).orElseThrow();
    assertEquals(pre.get(0), best.best(), "on d8 the first checkpoint peaks (0.0221 against "
        + "0.0217 nDCG@10), so the choice is seen to differ from the last: " + pre);
    assertEquals(best.best().metrics(), CheckpointEvaluation.read(work.resolve("finetune"))
        .get(0).metrics(), "the finetune's start is the best pre-finetune checkpoint");
    assertArrayEquals(Files.readAllBytes(best.model().resolve(CheckpointBundle.WEIGHTS)),
        Files.readAllBytes(work.resolve("prefinetuned").resolve(CheckpointBundle.WEIGHTS)),
        "a copy of the chosen checkpoint's weights");
    assertTrue(lines.contains("pre-finetuned model: " + best.model() + ": " + best.describe()),
        "the choice is named: " + lines);
    String results = Files.readString(work.resolve("results.md"));
    for (String column : List.of("zero-shot", "prefinetune", "finetune", "soup", "BM25",
        "Pre-finetuned model (`prefinetune`): " + best.model())) {
      assertTrue(results.contains(column), column + " in " + results);
    }
    assertTrue(results.contains(String.format(java.util.Locale.ROOT, "%12.4f",
        reports.get("soup").main("retrieval", 16))), "the table shows the soup's report: "
        + results);
    long stamp = Files.getLastModifiedTime(work.resolve("eval-soup/report.json")).toMillis();

    List<String> again = new ArrayList<>();
    Map<String, EvalReport> rerun = new RecipeJob(spark, config, again::add).run();
    assertEquals(10, again.stream().filter(l -> l.contains(": done before (")).count(),
        "every stage skipped: " + again);
    assertFalse(again.stream().anyMatch(l -> l.contains("step 1/")), "no training again");
    assertEquals(reports.get("soup").metrics(), rerun.get("soup").metrics());
    assertEquals(stamp, Files.getLastModifiedTime(work.resolve("eval-soup/report.json"))
        .toMillis(), "the test report is read, not rewritten");

    // A changed start is refused, not resumed with the start the work directory holds.
    RecipeConfig changed = write(dir, "{section: python}", "start.max_length=16",
        "start.layers=1", "start.matryoshka_dims=[4, 16]");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new RecipeJob(spark, changed, line -> { }).run());
    for (String named : List.of("start.max_length = 16, but it was imported at 32 tokens",
        "start.layers = 1, but it has 2", "start.matryoshka_dims = [4, 16], but it has [8, 16]",
        work.toString())) {
      assertTrue(e.getMessage().contains(named), named + " in " + e.getMessage());
    }
    assertEquals(stamp, Files.getLastModifiedTime(work.resolve("eval-soup/report.json"))
        .toMillis(), "nothing rerun");
  }

  @Test
  void aFilterOnAColumnTheDataLacksIsNamedBeforeTraining(@TempDir Path dir) throws IOException {
    RecipeConfig config = write(dir, "{lang: de}");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new RecipeJob(spark, config, line -> { }).run());
    assertTrue(e.getMessage().startsWith("datasets[0].where names the column 'lang', which "
        + SAMPLE.resolve("pairs/train.jsonl") + " lacks"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("work/prefinetune/model")));
  }

  /**
   * A recipe over the sample from a tiny bundle, the pre-finetune pairs filtered by {@code where},
   * with {@code --set} overrides of the recipe's own keys.
   */
  private static RecipeConfig write(Path dir, String where, String... sets) throws IOException {
    Path model = SampleModel.write(dir.resolve("tiny"));
    Files.writeString(dir.resolve("pre.yaml"), String.join("\n",
        "model: set-by-the-recipe",
        "datasets:",
        "  - {name: pairs, path: '" + SAMPLE.resolve("pairs/train.jsonl") + "', task: retrieval,",
        "     where: " + where + ", fields: {query: query, positive: passage}}",
        "train: {steps: 2, global_batch_size: 16, learning_rate: 1.0e-3, checkpoint_every: 1}",
        "eval: {config: '" + dir.resolve("dev.yaml") + "', metric: dev-retrieval/ndcg@10/d8}",
        ""));
    Files.writeString(dir.resolve("mine.yaml"), String.join("\n",
        "model: set-by-the-recipe",
        "input: {path: '" + SAMPLE.resolve("pairs/train.jsonl") + "', positive: passage}",
        "negatives: 2",
        ""));
    Files.writeString(dir.resolve("fine.yaml"), String.join("\n",
        "stage: finetune",
        "model: set-by-the-recipe",
        "datasets:",
        "  - {name: sections, path: '" + SAMPLE.resolve("classification/train.jsonl")
            + "', task: classification, fields: {query: text, positive: label}}",
        "train: {steps: 4, global_batch_size: 16, learning_rate: 1.0e-3, checkpoint_every: 2}",
        "eval: {config: '" + dir.resolve("dev.yaml") + "'}",
        ""));
    Files.writeString(dir.resolve("dev.yaml"), String.join("\n",
        "model: ''",
        "retrieval: {top_k: 20, ks: [10], bm25: false}",
        "tasks: [{name: dev-retrieval, type: retrieval, path: '" + SAMPLE.resolve("retrieval-dev")
            + "', split: dev}]",
        ""));
    Files.writeString(dir.resolve("test.yaml"), String.join("\n",
        "model: set-by-the-recipe",
        "retrieval: {top_k: 20, ks: [10], bm25: true}",
        "tasks:",
        "  - {name: retrieval, type: retrieval, path: '" + SAMPLE.resolve("retrieval") + "'}",
        "  - {name: bitext-de, type: bitext, path: '" + SAMPLE.resolve(
            "bitext/mining_test_en-de.jsonl") + "', fields: {source: xx, target: en}}",
        ""));
    return YamlConfig.parse(String.join("\n",
        "start: {model: '" + model + "', max_length: 32}",
        "work: '" + dir.resolve("work") + "'",
        "prefinetune: '" + dir.resolve("pre.yaml") + "'",
        "mine: '" + dir.resolve("mine.yaml") + "'",
        "finetune: '" + dir.resolve("fine.yaml") + "'",
        "test: '" + dir.resolve("test.yaml") + "'",
        ""), "recipe.yaml", List.of(sets), RecipeConfig.class);
  }
}
