package io.embedspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.data.JsonlTexts;
import io.embedspark.spark.SparkGradientStep;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingData;
import io.embedspark.data.TrainingExample;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.Provenance;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.nd4j.OpFence;
import io.embedspark.tokenize.TokenizerJson;
import io.embedspark.tokenize.WordPieceTrainer;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Global-batch training on a real multi-process cluster on 127.0.0.1: Spark's
 * {@code local-cluster[2,1,1024]} (a standalone master and two workers in this JVM, each worker
 * launching its executor as a separate JVM from this project's classpath). During step 2's
 * backward pass one executor JVM is killed; Spark reruns its tasks on the other executor (and
 * the worker starts a replacement), and the run finishes with the parameters of a run on one
 * machine.
 */
class MultiProcessTrainingIT {
  @Test
  void aRunSurvivesAnExecutorJvmKilledMidStep(@TempDir Path tmp) throws Exception {
    Path sparkHome = Path.of(System.getenv().getOrDefault("SPARK_HOME", "target/spark-home"));
    Files.createDirectories(sparkHome.resolve("jars"));
    Path pairs = Path.of("../data/sample/pairs/train.jsonl");
    List<TrainingExample> data = TrainingData.readJsonl(pairs, new TrainingData.Fields("id",
        "section", "query", "passage", "negatives"), "pairs").subList(0, 48);
    List<String> vocab = new WordPieceTrainer(400, 1, false)
        .train(JsonlTexts.texts(pairs, "query", "passage").subList(0, 400));
    EncoderConfig config = EncoderPresets.tiny().withVocabSize(vocab.size());
    CheckpointBundle start = new CheckpointBundle(BundleConfig.of(config, 24),
        ModelParameters.initialise(config, 3), TokenizerJson.wordPiece(vocab, false),
        Provenance.now("init:tiny", List.of(), 3, null, null));
    TrainerConfig c = new TrainerConfig(3, 8, 4, 2e-3, 1, 0.1, 0.01, 1.0, 0.05, List.of(), true,
        3, 11L);
    ContrastiveTrainer.Result local = new ContrastiveTrainer(c, TaskPrompts.retrievalDefaults(),
        tmp.resolve("local"), DataType.FLOAT, line -> { }).train(start, data, 3);

    SparkSession spark = SparkSession.builder().appName("MultiProcessTrainingIT")
        .master("local-cluster[2,1,1024]")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executor.extraJavaOptions", OpFence.request())
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.task.maxFailures", "4")
        .getOrCreate();
    AtomicLong killed = new AtomicLong(-1);
    AtomicBoolean armed = new AtomicBoolean(true);
    SparkListener killer = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        String description = job.properties().getProperty("spark.job.description", "");
        if (description.startsWith("embedspark train step 2: backward") && armed.getAndSet(false)) {
          // The workers run in this JVM, so its only child JVMs are the executors.
          ProcessHandle.current().children()
              .filter(p -> p.info().command().orElse("").endsWith("java"))
              .findFirst().ifPresent(p -> {
                killed.set(p.pid());
                p.destroyForcibly();
              });
        }
      }
    };
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      waitForExecutors(jsc, 2);
      // The executor JVMs run ND4J's ops through the fenced executioner when asked, as
      // SparkSessions asks them.
      assertEquals(List.of(true, true), jsc.parallelize(List.of(0, 1), 2)
          .map(i -> OpFence.active()).collect());
      spark.sparkContext().addSparkListener(killer);
      ContrastiveTrainer.Result distributed = new ContrastiveTrainer(c,
          TaskPrompts.retrievalDefaults(), tmp.resolve("cluster"), DataType.FLOAT, line -> { },
          (encoder, loss, chunk) -> new SparkGradientStep(jsc, encoder, loss, chunk, 2, true),
          "test").train(start, data, 3);
      assertTrue(killed.get() > 0, "an executor JVM was killed during step 2");
      assertEquals(3, distributed.steps().size(), "the run finished");
      double worst = 0;
      for (String name : local.model().parameters().tensors().keySet()) {
        float[] a = local.model().parameters().get(name).values();
        float[] b = distributed.model().parameters().get(name).values();
        for (int i = 0; i < a.length; i++) {
          worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
      }
      assertTrue(worst < 1e-5, "parameters equal the single-machine run's: " + worst);
    } finally {
      spark.sparkContext().removeSparkListener(killer);
      spark.stop();
    }
  }

  private static void waitForExecutors(JavaSparkContext jsc, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (jsc.sc().statusTracker().getExecutorInfos().length < n + 1
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }
}
