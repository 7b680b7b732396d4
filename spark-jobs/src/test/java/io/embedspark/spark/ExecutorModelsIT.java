package io.embedspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.embed.BatchEncoder;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.TinyBundles;
import io.embedspark.tokenize.TokenBatch;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that evaluates one checkpoint after another holds the models of the bundles its running
 * tasks use and one more, not every bundle it ever loaded (real Spark, local[2], real ONNX Runtime
 * sessions on tiny bundles).
 */
class ExecutorModelsIT {
  private static final InferenceEngine ORT = InferenceEngine.ONNXRUNTIME;
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static BundleFiles first;
  private static BundleFiles second;
  private static BundleFiles third;

  /** Set by the task that holds the first bundle once it has it; the other task waits for it. */
  private static final CountDownLatch HOLDING = new CountDownLatch(1);
  /** Set by the task that loads the second bundle once it has; the holder then embeds. */
  private static final CountDownLatch LOADED = new CountDownLatch(1);

  @BeforeAll
  static void setUp() {
    spark = SparkSession.builder().appName("ExecutorModelsIT").master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    first = bundle("first", 1);
    second = bundle("second", 2);
    third = bundle("third", 3);
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  private static BundleFiles bundle(String name, long seed) {
    Path dir = tmp.resolve(name);
    TinyBundles.create(seed).write(dir, false);
    return BundleFiles.of(dir);
  }

  private static TokenBatch batch(BundleFiles files) {
    return ExecutorModels.get(files).tokenizer().encode(TinyBundles.TEXTS);
  }

  @Test
  void loadingABundleReleasesTheBundlesNoTaskUses() {
    BatchEncoder old = ExecutorModels.encoder(first, ORT);
    assertSame(old, ExecutorModels.encoder(first, ORT), "one encoder per bundle while it is used");
    assertEquals(TinyBundles.TEXTS.size(), old.embed(batch(first)).length);

    BatchEncoder next = ExecutorModels.encoder(second, ORT);
    assertEquals(Set.of(second.id()), ExecutorModels.heldBundles());
    assertThrows(IllegalStateException.class, () -> old.embed(batch(second)),
        "the released bundle's ONNX Runtime sessions are closed");
    assertEquals(TinyBundles.TEXTS.size(), next.embed(batch(second)).length);

    BatchEncoder again = ExecutorModels.encoder(first, ORT);
    assertNotSame(old, again, "a released bundle asked for again is loaded again");
    assertEquals(TinyBundles.TEXTS.size(), again.embed(batch(first)).length);
    assertEquals(Set.of(first.id()), ExecutorModels.heldBundles());
  }

  @Test
  void aBundleARunningTaskUsesIsKeptWhileAnotherLoads() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    BundleFiles held = first;
    BundleFiles loaded = second;
    List<String> outcome = jsc.parallelize(List.of(0, 1), 2).mapPartitionsWithIndex(
        (Integer partition, Iterator<Integer> rows) -> {
          if (partition == 0) {
            BatchEncoder encoder = ExecutorModels.encoder(held, ORT);
            HOLDING.countDown();
            assertTrue(LOADED.await(60, TimeUnit.SECONDS), "the other task loaded its bundle");
            int rowsEmbedded = encoder.embed(batch(held)).length;
            return Collections.singletonList("held embedded " + rowsEmbedded).iterator();
          }
          assertTrue(HOLDING.await(60, TimeUnit.SECONDS), "the other task holds its bundle");
          ExecutorModels.encoder(loaded, ORT);
          Set<String> during = ExecutorModels.heldBundles();
          LOADED.countDown();
          return Collections.singletonList("held during load " + during.contains(held.id())
              + ", loaded " + during.contains(loaded.id())).iterator();
        }, false).collect();
    assertEquals(List.of("held embedded " + TinyBundles.TEXTS.size(),
        "held during load true, loaded true"), outcome);

    ExecutorModels.encoder(third, ORT);
    assertEquals(Set.of(third.id()), ExecutorModels.heldBundles(),
        "once both tasks completed, neither bundle is in use: both are released");
  }

  @Test
  void aJobsOwnMaxLengthGetsAModelOfTheSameFilesTruncatingThere() {
    BundleFiles longer = first.withMaxLength(TinyBundles.MAX_LENGTH + 16, "max_length");
    assertEquals(first.id(), longer.id(), "the same files");
    assertEquals(TinyBundles.MAX_LENGTH + 16, longer.config().maxSequenceLength());
    assertEquals(TinyBundles.MAX_LENGTH + 16, ExecutorModels.get(longer).tokenizer().maxLength());
    assertEquals(TinyBundles.MAX_LENGTH, ExecutorModels.get(first).tokenizer().maxLength(),
        "the bundle's own length is another model");
    assertSame(first, first.withMaxLength(null, "max_length"));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> first.withMaxLength(65, "limits.max_length"));
    assertTrue(e.getMessage().startsWith("limits.max_length = 65 must be in 1..64"),
        e.getMessage());
  }
}
