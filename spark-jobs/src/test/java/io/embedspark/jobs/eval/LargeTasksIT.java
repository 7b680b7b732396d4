package io.embedspark.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.KMeans;
import io.embedspark.eval.LogisticRegression;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.eval.tasks.ReportKeys;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.jobs.eval.DistributedLogisticRegression.Block;
import io.embedspark.jobs.eval.DistributedLogisticRegression.LabeledVector;
import io.embedspark.spark.BundleFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * Classification and clustering kept on the executors (real Spark, local[2]): the distributed
 * logistic regression and k-means equal their driver-side counterparts, and a distributed task
 * equals the driver path when both see the same rows.
 */
class LargeTasksIT {
  private static final Path SAMPLE = Path.of("../data/sample");
  private static Path root;
  private static Path model;
  private static SparkSession spark;
  private static JavaSparkContext jsc;

  @BeforeAll
  static void setUp() throws IOException {
    root = Files.createTempDirectory("large-tasks-it");
    model = SampleModel.write(root.resolve("model"));
    spark = SampleModel.spark("LargeTasksIT");
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void tearDown() throws IOException {
    spark.stop();
    AtomicDirectory.deleteRecursively(root);
  }

  @Test
  void logisticRegressionOverPartitionsEqualsTheDriverFit() {
    for (int classes : new int[] {2, 4}) {
      SplittableRandom r = new SplittableRandom(classes);
      int n = 300;
      int d = 6;
      double[][] x = new double[n][d];
      int[] y = new int[n];
      List<LabeledVector> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        y[i] = r.nextInt(classes);
        for (int j = 0; j < d; j++) {
          x[i][j] = r.nextGaussian() + (j % classes == y[i] ? 1.5 : 0);
        }
        rows.add(new LabeledVector(y[i], x[i]));
      }
      LogisticRegression local = LogisticRegression.mteb().fit(x, y, classes);
      JavaRDD<Block> blocks = DistributedLogisticRegression.blocks(jsc.parallelize(rows, 3), 7)
          .cache();
      LogisticRegression spread = DistributedLogisticRegression.fit(LogisticRegression.mteb(),
          blocks, d, classes, n);
      assertEquals(local.iterations(), spread.iterations());
      for (int k = 0; k < classes; k++) {
        assertArrayEquals(local.weights()[k], spread.weights()[k], 1e-7, "class " + k);
        assertEquals(local.intercepts()[k], spread.intercepts()[k], 1e-7);
      }
      assertArrayEquals(local.predict(x), spread.predict(x));
      // Negative control: the rows of one partition missing give another model.
      JavaRDD<Block> fewer = DistributedLogisticRegression.blocks(jsc.parallelize(rows, 3)
          .mapPartitionsWithIndex((p, it) -> p == 0 ? List.<LabeledVector>of().iterator() : it,
              false), 7);
      LogisticRegression partial = DistributedLogisticRegression.fit(
          LogisticRegression.mteb(), fewer, d, classes, n - n / 3);
      assertTrue(maxDiff(local.weights(), partial.weights()) > 1e-3);
    }
  }

  @Test
  void kMeansOverPartitionsEqualsTheDriverLloyd() {
    SplittableRandom r = new SplittableRandom(4);
    int n = 500;
    int d = 5;
    float[][] x = new float[n][d];
    for (int i = 0; i < n; i++) {
      int blob = r.nextInt(4);
      for (int j = 0; j < d; j++) {
        x[i][j] = (float) (r.nextGaussian() * 0.8 + (j == blob ? 3 : 0));
      }
    }
    double[][] start = KMeans.plusPlus(x, 4, new SplittableRandom(11));
    KMeans.Result local = new KMeans(4, 1, 300, 0).lloyd(x, copy(start));
    JavaRDD<float[]> points = jsc.parallelize(List.of(x), 4).cache();
    DistributedKMeans.Result spread = new DistributedKMeans(4, 1, 300, 1000, 0L)
        .lloyd(points, new double[][][] {copy(start)});
    assertEquals(local.inertia(), spread.inertia(), 1e-9 * local.inertia());
    for (int i = 0; i < n; i++) {
      assertEquals(local.assignment()[i], KMeans.nearest(x[i], spread.centres()), "point " + i);
    }
    // Negative control: one partition's points missing moves the centres.
    JavaRDD<float[]> fewer = points.mapPartitionsWithIndex((p, it) -> p == 0
        ? List.<float[]>of().iterator() : it, false);
    DistributedKMeans.Result partial = new DistributedKMeans(4, 1, 300, 1000, 0L)
        .lloyd(fewer, new double[][][] {copy(start)});
    assertTrue(maxDiff(spread.centres(), partial.centres()) > 1e-3);
    // Restarts: the first restart of five is the single restart's, so five do no worse. The
    // partitions' sums arrive in any order, so equal inertias may differ in their last bits.
    DistributedKMeans.Result five = new DistributedKMeans(4, 5, 300, 1000, 3L).fit(points);
    DistributedKMeans.Result one = new DistributedKMeans(4, 1, 300, 1000, 3L).fit(points);
    assertTrue(five.inertia() <= one.inertia() * (1 + 1e-12),
        five.inertia() + " > " + one.inertia());
  }

  @Test
  void distributedClassificationWithEveryTrainRowEqualsTheDriverPath() {
    EvalConfig.Task onDriver = classification("sections", 1, 1000, null);
    EvalConfig.Task spread = classification("sections", 1, 1000, true);
    EvalReport driver = new EvalJob(spark, suite(List.of(onDriver)), line -> { }).evaluate();
    Broadcast<BundleFiles> bundle = jsc.broadcast(BundleFiles.of(model.toString(),
        jsc.hadoopConfiguration()));
    int[] dims = {8, 16};
    for (long driverRows : new long[] {0, Long.MAX_VALUE}) {
      LargeTaskEvaluation.Result r = new LargeTaskEvaluation(spark, bundle, dims, 42L,
          driverRows, line -> { }, InferenceEngine.ND4J).classification(spread);
      for (int d : dims) {
        for (String m : List.of("accuracy", "f1")) {
          String key = ReportKeys.of("sections", m, d);
          assertEquals(driver.metrics().get(key), r.metrics().get(key), 1e-9,
              key + " (driver fit up to " + driverRows + " rows)");
        }
      }
      assertEquals(1127L, r.details().get("sections/train_rows"));
    }
    // Negative control: undersampled to 4 rows per label, the numbers change.
    LargeTaskEvaluation.Result few = new LargeTaskEvaluation(spark, bundle, dims, 42L,
        Long.MAX_VALUE, line -> { }, InferenceEngine.ND4J).classification(
            classification("sections", 1, 4, true));
    assertNotEquals(driver.metrics().get(ReportKeys.of("sections", "accuracy", 16)),
        few.metrics().get(ReportKeys.of("sections", "accuracy", 16)));
  }

  @Test
  void theTrainSampleTakesTheSameNumberPerLabelAndChangesWithTheExperiment() {
    List<Tuple2<Long, Tuple2<Integer, float[]>>> rows = new ArrayList<>();
    for (long i = 0; i < 200; i++) {
      rows.add(new Tuple2<>(i, new Tuple2<>(i < 150 ? 0 : 1, new float[] {i})));
    }
    JavaPairRDD<Long, Tuple2<Integer, float[]>> rdd = JavaPairRDD.fromJavaRDD(
        jsc.parallelize(rows, 3));
    LargeTaskEvaluation large = new LargeTaskEvaluation(spark, null, new int[] {1}, 7L, 0,
        line -> { }, InferenceEngine.ND4J);
    List<Tuple2<Integer, float[]>> a = large.sample(rdd, 0, 60).collect();
    List<Tuple2<Integer, float[]>> b = large.sample(rdd, 1, 60).collect();
    assertEquals(60, a.stream().filter(t -> t._1() == 0).count());
    assertEquals(50, a.stream().filter(t -> t._1() == 1).count());
    assertNotEquals(a.stream().map(t -> t._2()[0]).toList(),
        b.stream().map(t -> t._2()[0]).toList());
    assertEquals(a.stream().map(t -> t._2()[0]).toList(),
        large.sample(rdd, 0, 60).collect().stream().map(t -> t._2()[0]).toList());
  }

  @Test
  void distributedClusteringScoresEveryDimAndNamesABadRow() throws IOException {
    Path flat = root.resolve("clusters.jsonl");
    ObjectMapper json = new ObjectMapper();
    JsonNode set = json.readTree(Files.readAllLines(SAMPLE.resolve(
        "clustering/s2s_topical.jsonl")).get(0));
    List<String> lines = new ArrayList<>();
    Map<String, Integer> perLabel = new HashMap<>();
    for (int i = 0; i < set.get("sentences").size(); i++) {
      String label = set.get("labels").get(i).asText();
      perLabel.merge(label, 1, Integer::sum);
      lines.add(json.writeValueAsString(Map.of("text", set.get("sentences").get(i).asText(),
          "label", label)));
    }
    Files.write(flat, lines);
    EvalConfig.Task task = new EvalConfig.Task("flat-clusters", "clustering", flat.toString(),
        null, null, null, null, null, null, null, null, true);
    EvalReport report = new EvalJob(spark, suite(List.of(task)), line -> { }).evaluate();
    for (int d : new int[] {8, 16}) {
      double v = report.metrics().get(ReportKeys.of("flat-clusters", "v_measure", d));
      assertTrue(v > 0 && v <= 1, "v-measure at d" + d + ": " + v);
    }
    assertEquals("v_measure", report.mainMetrics().get("flat-clusters"));

    lines.set(5, "{\"text\": \"no label here\"}");
    Files.write(flat, lines);
    InvalidInputException e = assertThrows(InvalidInputException.class, () ->
        new EvalJob(spark, suite(List.of(task)), line -> { }).evaluate());
    assertTrue(e.getMessage().contains("clusters.jsonl: 1 rows lack a 'text' or a 'label'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("no label here"), e.getMessage());
  }

  @Test
  void distributedIsRefusedForOtherTaskTypes() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> suite(List.of(
        new EvalConfig.Task("s", "sts", "p", null, null, null, null, null, null, null, null,
            true))));
    assertTrue(e.getMessage().contains(
        "tasks[0].distributed applies to classification and clustering tasks only"),
        e.getMessage());
  }

  private static EvalConfig.Task classification(String name, int experiments, int perLabel,
      Boolean distributed) {
    return new EvalConfig.Task(name, "classification", null, null,
        SAMPLE.resolve("classification/train.jsonl").toString(),
        SAMPLE.resolve("classification/test.jsonl").toString(), null, null, experiments,
        perLabel, null, distributed);
  }

  private static EvalConfig suite(List<EvalConfig.Task> tasks) {
    return new EvalConfig(model.toString(), null, root.resolve("report").toString(), null,
        List.of(8, 16), 42L, null, Map.of(), tasks, null);
  }

  private static double[][] copy(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
    }
    return out;
  }

  private static double maxDiff(double[][] a, double[][] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return m;
  }
}
