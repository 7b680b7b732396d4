package io.embedspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.data.JsonlTexts;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingData;
import io.embedspark.data.TrainingExample;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.Provenance;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenizerJson;
import io.embedspark.tokenize.WordPieceTrainer;
import io.embedspark.train.BatchSource;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.train.TrainerConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Parameter averaging on real Spark (local[2]): one shard taking one local step per round is the
 * single-machine trainer, step for step (double precision, dropout on); two shards are not
 * (negative control), and still train.
 */
class ParameterAveragingIT {
  private static final Path PAIRS = Path.of("../data/sample/pairs/train.jsonl");
  private static SparkSession spark;
  private static List<TrainingExample> data;
  private static CheckpointBundle start;
  private static final TrainerConfig CONFIG = new TrainerConfig(3, 8, 5, 2e-3, 1, 0.1, 0.01, 1.0,
      0.05, List.of(), true, 2, 11L);

  @BeforeAll
  static void setUp() {
    spark = SparkSession.builder().appName("ParameterAveragingIT").master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    data = TrainingData.readJsonl(PAIRS, new TrainingData.Fields("id", "section", "query",
        "passage", "negatives"), "pairs").subList(0, 48);
    List<String> vocab = new WordPieceTrainer(400, 1, false)
        .train(JsonlTexts.texts(PAIRS, "query", "passage").subList(0, 400));
    EncoderConfig config = EncoderPresets.tiny().withVocabSize(vocab.size());
    start = new CheckpointBundle(BundleConfig.of(config, 24), ModelParameters.initialise(config,
        3), TokenizerJson.wordPiece(vocab, false),
        Provenance.now("init:tiny", List.of(), 3, null, null));
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  private static ContrastiveTrainer.Result averaged(Path dir, int shards, int k) {
    return new ContrastiveTrainer(CONFIG, TaskPrompts.retrievalDefaults(), dir, DataType.DOUBLE,
        line -> { }, new ParameterAveraging(JavaSparkContext.fromSparkContext(
            spark.sparkContext()), shards, k)).train(start, BatchSource.of(data, CONFIG.globalBatchSize(), CONFIG.seed()), 3);
  }

  private static double maxDiff(CheckpointBundle a, CheckpointBundle b) {
    double worst = 0;
    for (String name : a.parameters().tensors().keySet()) {
      float[] x = a.parameters().get(name).values();
      float[] y = b.parameters().get(name).values();
      for (int i = 0; i < x.length; i++) {
        worst = Math.max(worst, Math.abs(x[i] - y[i]));
      }
    }
    return worst;
  }

  @Test
  void oneShardWithOneLocalStepPerRoundIsTheSingleMachineTrainer(@TempDir Path tmp) {
    ContrastiveTrainer.Result local = new ContrastiveTrainer(CONFIG,
        TaskPrompts.retrievalDefaults(), tmp.resolve("local"), DataType.DOUBLE, line -> { })
        .train(start, data, 3);
    ContrastiveTrainer.Result one = averaged(tmp.resolve("one"), 1, 1);
    for (int i = 0; i < 3; i++) {
      assertEquals(local.steps().get(i).loss(), one.steps().get(i).loss(), 1e-9,
          "loss of step " + (i + 1));
    }
    double same = maxDiff(local.model(), one.model());
    assertTrue(same < 1e-6, "one shard, k = 1: parameters differ by " + same);

    ContrastiveTrainer.Result two = averaged(tmp.resolve("two"), 2, 1);
    double differs = maxDiff(local.model(), two.model());
    assertTrue(differs > 1e-4, "negative control: two shards average other batches: " + differs);
    assertTrue(maxDiff(start, two.model()) > 1e-3, "two shards still train");
  }

  @Test
  void aDivergedRoundNamesRateAndBatchesAndAnAllMaskedBatchIsReported(@TempDir Path tmp) {
    java.util.Map<String, io.embedspark.io.FloatTensor> broken = new java.util.LinkedHashMap<>(
        start.parameters().tensors());
    io.embedspark.io.FloatTensor w = broken.get("projection.weight");
    float[] v = w.values().clone();
    v[0] = Float.NaN;
    broken.put("projection.weight", new io.embedspark.io.FloatTensor(w.shape(), v));
    CheckpointBundle nan = start.with(io.embedspark.model.ModelParameters.of(broken,
        start.config().model(), "nan"), start.provenance());
    io.embedspark.train.TrainingDivergedException e = org.junit.jupiter.api.Assertions
        .assertThrows(io.embedspark.train.TrainingDivergedException.class, () ->
            new ContrastiveTrainer(CONFIG, TaskPrompts.retrievalDefaults(), tmp.resolve("nan"),
                DataType.DOUBLE, line -> { }, new ParameterAveraging(
                    JavaSparkContext.fromSparkContext(spark.sparkContext()), 2, 1)).train(nan, BatchSource.of(data, CONFIG.globalBatchSize(),
                CONFIG.seed()), 1));
    assertTrue(e.getMessage().startsWith("step 1: average loss NaN")
        && e.getMessage().contains("learning rate") && e.getMessage().contains("deb-"),
        e.getMessage());
    List<TrainingExample> samePositive = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      samePositive.add(new TrainingExample("same-" + i, data.get(i).task(), data.get(i).query(),
          "one label text", List.of()));
    }
    List<String> log = new java.util.ArrayList<>();
    new ContrastiveTrainer(CONFIG, TaskPrompts.retrievalDefaults(), tmp.resolve("masked"),
        DataType.DOUBLE, log::add, new ParameterAveraging(
            JavaSparkContext.fromSparkContext(spark.sparkContext()), 2, 1)).train(start, BatchSource.of(samePositive, CONFIG.globalBatchSize(), CONFIG.seed()), 1);
    assertTrue(log.stream().anyMatch(l -> l.startsWith("step 1, replica 0: warning: no example "
        + "of this batch has a negative")), log.toString());
  }

  @Test
  void roundsOfSeveralLocalStepsCheckpointAndResume(@TempDir Path tmp) {
    ContrastiveTrainer.Result full = averaged(tmp.resolve("a"), 2, 2);
    assertEquals(List.of(2L, 3L), full.steps().stream().map(s -> s.step()).toList(),
        "a round of two local steps, then the last step");
    ContrastiveTrainer.Result resumed = averaged(tmp.resolve("a"), 2, 2);
    assertTrue(resumed.steps().isEmpty(), "a finished run has nothing left to do");
    assertTrue(maxDiff(full.model(), resumed.model()) == 0);
  }
}
