package io.embedspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.data.JsonlTexts;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingData;
import io.embedspark.data.TrainingExample;
import io.embedspark.backprop.BackpropEngine;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.Provenance;
import io.embedspark.loss.GeminiNceLoss;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.testing.TestWeights;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import io.embedspark.tokenize.TokenizerJson;
import io.embedspark.tokenize.WordPieceTrainer;
import io.embedspark.train.ContrastiveBatcher;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.train.TrainerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One contrastive batch across two Spark executor threads (local[2]) against the single-machine
 * gradient cache on the same batch: equal gradients in double precision, with dropout, for shard
 * plans that split the chunks unevenly; negative controls for the two classic mistakes (dividing
 * the summed gradients by the number of executors; drawing dropout seeds per shard instead of per
 * global chunk). Then whole training runs: three steps on Spark equal three steps on one machine.
 */
class SparkGradientStepIT {
  private static final Path PAIRS = Path.of("../data/sample/pairs/train.jsonl");
  private static SparkSession spark;
  private static JavaSparkContext jsc;
  private static List<TrainingExample> data;
  private static CheckpointBundle start;
  private static ContrastiveTokens batch;

  @BeforeAll
  static void setUp() {
    spark = SparkSession.builder().appName("SparkGradientStepIT").master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    data = TrainingData.readJsonl(PAIRS, new TrainingData.Fields("id", "section", "query",
        "passage", "negatives"), "pairs").subList(0, 48);
    List<String> vocab = new WordPieceTrainer(400, 1, false)
        .train(JsonlTexts.texts(PAIRS, "query", "passage").subList(0, 400));
    EncoderConfig config = EncoderPresets.tiny().withVocabSize(vocab.size());
    start = new CheckpointBundle(BundleConfig.of(config, 24), spread(
        ModelParameters.initialise(config, 3), config), TokenizerJson.wordPiece(vocab, false),
        Provenance.now("init:tiny", List.of(), 3, null, null));
    try (TextTokenizer t = start.tokenizer()) {
      batch = new ContrastiveBatcher(t, TaskPrompts.retrievalDefaults())
          .tokens(data.subList(0, 12));
    }
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  private static ModelParameters spread(ModelParameters p, EncoderConfig config) {
    return TestWeights.spread(p, config, 0.2, 9);
  }

  private static MatryoshkaLoss loss() {
    EncoderConfig c = start.config().model();
    return new MatryoshkaLoss(new GeminiNceLoss(0.05), c.matryoshkaDims(),
        java.util.Collections.nCopies(c.matryoshkaDims().size(), 1.0));
  }

  private static TrainableEncoder encoder() {
    TrainableEncoder e = BackpropEngine.MANUAL.create(start.config().model(), DataType.DOUBLE,
        true);
    e.load(start.parameters());
    return e;
  }

  private static double maxRelativeError(Map<String, INDArray> a, Map<String, INDArray> b) {
    return TestWeights.maxRelativeError(a, b);
  }

  @Test
  void aStepOnTwoExecutorsEqualsTheSingleMachineStep() {
    int rows = batch.sequences().size();
    GradientStep.Step local = new GradientCache(encoder(), loss(), 5).step(batch, 77L);
    for (int shards : new int[] {2, 3}) {
      GradientStep.Step spread = new SparkGradientStep(jsc, encoder(), loss(), 5, shards, true)
          .step(batch, 77L);
      assertEquals(local.loss().total().loss(), spread.loss().total().loss(), 1e-12);
      double err = maxRelativeError(spread.gradients(), local.gradients());
      System.out.printf("%d sequences in chunks of 5, %d shards: max relative error %.2e%n",
          rows, shards, err);
      assertTrue(err < 1e-9, shards + " shards: " + err);
    }
  }

  @Test
  void onlyTheTableRowsTheBatchTouchesTravelAndOnlyTheyGetGradients() {
    int[] rows = SparkGradientStep.tableRows(batch.sequences());
    int vocab = start.config().model().vocabSize();
    assertTrue(rows.length < vocab / 2, rows.length + " of " + vocab + " rows travel");
    assertEquals(0, rows[0], "row 0, which padding holds, is always among them");
    GradientStep.Step spread = new SparkGradientStep(jsc, encoder(), loss(), 5, 2, true)
        .step(batch, 77L);
    INDArray table = spread.gradients().get(io.embedspark.model.ParameterNames.WORD_EMBEDDINGS);
    assertEquals(vocab, table.rows(), "the driver gets the whole table's gradient");
    java.util.Set<Integer> touched = new java.util.HashSet<>();
    for (int r : rows) {
      touched.add(r);
    }
    for (int r = 0; r < vocab; r++) {
      double norm = table.getRow(r).norm2Number().doubleValue();
      if (!touched.contains(r)) {
        assertEquals(0.0, norm, "row " + r + " is not in the batch");
      }
    }
    assertTrue(table.getRow(rows[rows.length - 1]).norm2Number().doubleValue() > 0,
        "a touched row has a gradient (negative control of the check above)");
  }

  @Test
  void chunksAreDealtToShardsByCostNotByPosition() {
    SparkGradientStep step = new SparkGradientStep(jsc, encoder(), loss(), 4, 2, true);
    // Twelve short queries and twelve passages three to four times longer, as in real pairs.
    int[] lengths = new int[24];
    for (int i = 0; i < 24; i++) {
      lengths[i] = i < 12 ? 4 + i % 3 : 15 + i % 6;
    }
    TokenBatch all = new TokenBatch(24, 20, new int[24 * 20], lengths, new boolean[24]);
    List<int[]> chunks = GradientCache.chunks(all, 4);
    List<SparkGradientStep.Shard> plan = step.plan(all, chunks);
    assertEquals(2, plan.size());
    long[] padded = new long[2];
    java.util.Set<Integer> seen = new java.util.TreeSet<>();
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < plan.get(s).chunkIds().length; i++) {
        TokenBatch c = plan.get(s).chunks()[i];
        padded[s] += (long) c.size() * c.width();
        assertTrue(seen.add(plan.get(s).chunkIds()[i]), "each chunk runs once");
      }
    }
    assertEquals(chunks.size(), seen.size(), "every chunk runs");
    // Contiguous halves put the short chunks on one task and the long ones on the other.
    long firstHalf = 0;
    long total = padded[0] + padded[1];
    for (int c = 0; c < chunks.size() / 2; c++) {
      firstHalf += (long) chunks.get(c).length * all.select(chunks.get(c)).width();
    }
    double contiguous = Math.abs(total - 2.0 * firstHalf) / total;
    double dealt = Math.abs(padded[0] - padded[1]) / (double) total;
    System.out.printf("imbalance of padded tokens: contiguous %.3f, dealt by cost %.3f%n",
        contiguous, dealt);
    assertTrue(dealt < contiguous, "dealing by cost evens the tasks out");
  }

  @Test
  void negativeControlsDividingByExecutorsOrDrawingSeedsPerShardAreDetected() {
    GradientStep.Step local = new GradientCache(encoder(), loss(), 5).step(batch, 77L);
    GradientStep.Step spread = new SparkGradientStep(jsc, encoder(), loss(), 5, 2, true)
        .step(batch, 77L);
    Map<String, INDArray> halved = new LinkedHashMap<>();
    spread.gradients().forEach((k, v) -> halved.put(k, v.div(2)));
    assertTrue(maxRelativeError(halved, local.gradients()) > 0.4,
        "gradients averaged over executors are half the true ones");
    // Each shard restarting the dropout seeds at its first chunk: different masks.
    TrainableEncoder reseeded = encoder();
    java.util.Map<String, INDArray> perShard = new java.util.HashMap<>();
    SparkGradientStep plan = new SparkGradientStep(jsc, reseeded, loss(), 5, 2, true);
    TokenBatch all = batch.sequences();
    List<int[]> chunks = GradientCache.chunks(all, 5);
    List<SparkGradientStep.Shard> shards = plan.plan(all, chunks);
    double[][] e = new double[all.size()][];
    for (SparkGradientStep.Shard s : shards) {
      for (int i = 0; i < s.chunkIds().length; i++) {
        GradientCache.scatterRows(GradientCache.embedChunk(reseeded, s.chunks()[i], 77L + i),
            chunks.get(s.chunkIds()[i]), e);
      }
    }
    MatryoshkaLoss.Result r = loss().compute(
        io.embedspark.gradcache.EmbeddingLayout.toBatch(batch, e));
    double[][] g = io.embedspark.gradcache.EmbeddingLayout.toRows(batch, r.total());
    for (SparkGradientStep.Shard s : shards) {
      for (int i = s.chunkIds().length - 1; i >= 0; i--) {
        GradientCache.accumulateChunk(reseeded, s.chunks()[i],
            GradientCache.gatherRows(g, chunks.get(s.chunkIds()[i])), 77L + i, perShard);
      }
    }
    assertTrue(maxRelativeError(perShard, local.gradients()) > 1e-3,
        "dropout seeds restarted per shard change the gradients");
  }

  @Test
  void aTaskKilledOnItsFirstAttemptIsRetriedWithTheSameResult() throws InterruptedException {
    GradientStep.Step local = new GradientCache(encoder(), loss(), 5).step(batch, 77L);
    java.util.concurrent.atomic.AtomicInteger killed = new java.util.concurrent.atomic
        .AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic
        .AtomicBoolean(true);
    org.apache.spark.scheduler.SparkListener killer = new org.apache.spark.scheduler
        .SparkListener() {
      @Override
      public void onTaskStart(org.apache.spark.scheduler.SparkListenerTaskStart start) {
        if (start.taskInfo().attemptNumber() == 0 && armed.getAndSet(false)) {
          spark.sparkContext().killTaskAttempt(start.taskInfo().taskId(), true,
              "fault injected by the test");
        }
      }

      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (end.reason() instanceof org.apache.spark.TaskKilled) {
          killed.incrementAndGet();
        }
      }
    };
    spark.sparkContext().addSparkListener(killer);
    GradientStep.Step retried = null;
    try {
      // The kill request races with the task; a step whose task finished first is tried again.
      for (int attempt = 0; attempt < 5 && killed.get() == 0; attempt++) {
        armed.set(true);
        retried = new SparkGradientStep(jsc, encoder(), loss(), 5, 2, true).step(batch, 77L);
        for (int wait = 0; wait < 40 && killed.get() == 0; wait++) {
          Thread.sleep(50); // listener events arrive asynchronously
        }
      }
    } finally {
      spark.sparkContext().removeSparkListener(killer);
    }
    assertTrue(killed.get() >= 1, "a task attempt was killed");
    double err = maxRelativeError(retried.gradients(), local.gradients());
    assertTrue(err < 1e-9, "the retried step equals the single-machine step: " + err);
  }

  @Test
  void aDriverStoppedMidRunResumesToTheSameParameters(@TempDir Path tmp)
      throws java.io.IOException {
    TrainerConfig c = new TrainerConfig(4, 8, 5, 2e-3, 1, 0.1, 0.01, 1.0, 0.05, List.of(), true,
        2, 11L);
    ContrastiveTrainer.StepFactory spread = (encoder, loss, chunk) -> new SparkGradientStep(jsc,
        encoder, loss, chunk, 2, true);
    ContrastiveTrainer.Result full = new ContrastiveTrainer(c, TaskPrompts.retrievalDefaults(),
        tmp.resolve("full"), DataType.FLOAT, line -> { }, spread, "test").train(start, data, 4);
    Path run = tmp.resolve("killed");
    new ContrastiveTrainer(c, TaskPrompts.retrievalDefaults(), run, DataType.FLOAT, line -> { },
        spread, "test").train(start, data, 3);
    // The driver died after step 3, before that step's checkpoint became visible.
    io.embedspark.io.AtomicDirectory.deleteRecursively(run.resolve("step-00000003"));
    ContrastiveTrainer.Result resumed = new ContrastiveTrainer(c,
        TaskPrompts.retrievalDefaults(), run, DataType.FLOAT, line -> { }, spread, "test")
        .train(start, data, 4);
    assertEquals(List.of(3L, 4L), resumed.steps().stream().map(s -> s.step()).toList());
    for (String name : full.model().parameters().tensors().keySet()) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          full.model().parameters().get(name).values(),
          resumed.model().parameters().get(name).values(), name);
    }
  }

  @Test
  void threeTrainingStepsOnSparkEqualThreeOnOneMachine(@TempDir Path tmp) {
    TrainerConfig c = new TrainerConfig(3, 8, 5, 2e-3, 1, 0.1, 0.01, 1.0, 0.05, List.of(), true,
        3, 11L);
    ContrastiveTrainer.Result local = new ContrastiveTrainer(c, TaskPrompts.retrievalDefaults(),
        tmp.resolve("local"), DataType.DOUBLE, line -> { }).train(start, data, 3);
    ContrastiveTrainer.Result distributed = new ContrastiveTrainer(c,
        TaskPrompts.retrievalDefaults(), tmp.resolve("spark"), DataType.DOUBLE, line -> { },
        (encoder, loss, chunk) -> new SparkGradientStep(jsc, encoder, loss, chunk, 2, true),
        "train:spark-global-batch").train(start, data, 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(local.steps().get(i).loss(), distributed.steps().get(i).loss(), 1e-9,
          "loss of step " + (i + 1));
    }
    double worst = 0;
    double moved = 0;
    for (String name : local.model().parameters().tensors().keySet()) {
      float[] a = local.model().parameters().get(name).values();
      float[] b = distributed.model().parameters().get(name).values();
      float[] s = start.parameters().get(name).values();
      for (int i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        moved = Math.max(moved, Math.abs(a[i] - s[i]));
      }
    }
    assertTrue(worst < 1e-6, "parameters after three steps differ by " + worst);
    assertTrue(moved > 1e-3, "training moved the parameters by " + moved);
  }
}
