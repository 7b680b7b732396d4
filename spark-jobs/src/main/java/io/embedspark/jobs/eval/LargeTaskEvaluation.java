package io.embedspark.jobs.eval;

import io.embedspark.data.PromptTemplate;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.ClassificationMetrics;
import io.embedspark.eval.ClusteringMetrics;
import io.embedspark.eval.KMeans;
import io.embedspark.eval.LogisticRegression;
import io.embedspark.eval.tasks.ReportKeys;
import io.embedspark.spark.BundleFiles;
import io.embedspark.jobs.eval.DistributedLogisticRegression.Block;
import io.embedspark.jobs.eval.DistributedLogisticRegression.LabeledVector;
import io.embedspark.model.Matryoshka;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Classification and clustering tasks too large for the driver ({@code distributed: true}): the
 * texts are read, embedded and kept on the executors, and MTEB's protocol runs as Spark work.
 *
 * <p>Classification (MTEB, Muennighoff et al. 2023, arXiv 2210.07316): in each experiment, each
 * label's train rows are undersampled to the {@code samples_per_label} rows with the smallest
 * seeded hash of (experiment, row), the same per-label uniform sample MTEB draws by shuffling. A
 * sample of at most {@code driverRows} rows is fitted on the driver, a larger one by {@link
 * DistributedLogisticRegression}; the test split is scored by a confusion matrix summed over
 * partitions. Clustering: one set of {@code {text, label}} rows, k = the number of labels, by
 * {@link DistributedKMeans}; V-measure from the contingency table summed over partitions.
 */
final class LargeTaskEvaluation {
  private static final int RESTARTS = 10;
  private static final int ITERATIONS = 300;
  private static final int SEED_SAMPLE = 100_000;
  private final SparkSession spark;
  private final Broadcast<BundleFiles> bundle;
  private final int[] dims;
  private final long seed;
  private final long driverRows;
  private final Consumer<String> progress;

  /**
   * @param driverRows the largest classification sample fitted on the driver
   */
  private final InferenceEngine engine;

  LargeTaskEvaluation(SparkSession spark, Broadcast<BundleFiles> bundle, int[] dims, long seed,
      long driverRows, Consumer<String> progress, InferenceEngine engine) {
    this.engine = engine;
    this.spark = spark;
    this.bundle = bundle;
    this.dims = dims.clone();
    this.seed = seed;
    this.driverRows = driverRows;
    this.progress = progress;
  }

  /** The model's own prompts, or null for the Gemini task prompts. */
  private io.embedspark.data.ModelPrompts modelPrompts() {
    return bundle.value().config().prompts();
  }

  /** The metrics of a task by report key, and details (rows, dropped rows). */
  record Result(Map<String, Double> metrics, Map<String, Object> details) {}

  Result classification(EvalConfig.Task task) {
    PromptTemplate prompt = task.promptTemplate() != null ? task.promptTemplate()
        : modelPrompts() != null ? modelPrompts().queryTemplate() : PromptTemplate.CLASSIFICATION;
    JavaRDD<LabeledTexts.Vector> train = embedded(task, task.train(), prompt);
    JavaRDD<LabeledTexts.Vector> test = embedded(task, task.test(), prompt);
    try {
      Map<String, Integer> ids = labelIds(train);
      if (ids.size() < 2) {
        throw new InvalidInputException(task.train() + ": " + ids.size()
            + " distinct label(s); classification needs at least two");
      }
      int classes = ids.size();
      JavaPairRDD<Long, Tuple2<Integer, float[]>> indexed = train.mapToPair(v ->
          new Tuple2<>(v.row(), new Tuple2<>(ids.get(v.label()), v.vector())));
      JavaRDD<Tuple2<Integer, float[]>> known = test.filter(v -> ids.containsKey(v.label()))
          .map(v -> new Tuple2<>(ids.get(v.label()), v.vector())).persist(StorageLevel
              .MEMORY_AND_DISK());
      long trainRows = train.count();
      long testRows = test.count();
      long knownRows = known.count();
      test.unpersist(false); // scored from here on through known, not held twice
      progress.accept(String.format("eval: %s: %,d train rows, %,d test rows, %d labels",
          task.name(), trainRows, testRows, classes));
      double[] accuracy = new double[dims.length];
      double[] f1 = new double[dims.length];
      int perLabel = task.samplesPerLabel();
      for (int e = 0; e < task.experiments(); e++) {
        JavaRDD<Tuple2<Integer, float[]>> sample = sample(indexed, e, perLabel)
            .persist(StorageLevel.MEMORY_AND_DISK());
        long rows = sample.count();
        List<Tuple2<Integer, float[]>> local = rows <= driverRows ? sample.collect() : null;
        for (int i = 0; i < dims.length; i++) {
          LogisticRegression model = fit(sample, local, rows, dims[i], classes);
          int d = dims[i];
          long[][] confusion = known.treeAggregate(new long[classes][classes], (m, t) -> {
            m[t._1()][model.predict(doubles(Matryoshka.truncate(t._2(), d)))]++;
            return m;
          }, LargeTaskEvaluation::add);
          accuracy[i] += ClassificationMetrics.accuracy(confusion);
          f1[i] += ClassificationMetrics.macroF1(confusion);
        }
        sample.unpersist(false);
      }
      known.unpersist(false);
      Map<String, Double> metrics = new LinkedHashMap<>();
      for (int i = 0; i < dims.length; i++) {
        metrics.put(ReportKeys.of(task.name(), "accuracy", dims[i]),
            accuracy[i] / task.experiments());
        metrics.put(ReportKeys.of(task.name(), "f1", dims[i]), f1[i] / task.experiments());
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put(task.name() + "/train_rows", trainRows);
      details.put(task.name() + "/test_rows", testRows);
      if (knownRows < testRows) {
        details.put(task.name() + "/test_rows_with_unseen_labels", testRows - knownRows);
      }
      return new Result(metrics, details);
    } finally {
      train.unpersist(false);
      test.unpersist(false);
    }
  }

  Result clustering(EvalConfig.Task task) {
    PromptTemplate prompt = task.promptTemplate() != null ? task.promptTemplate()
        : modelPrompts() != null ? modelPrompts().queryTemplate() : PromptTemplate.CLUSTERING;
    JavaRDD<LabeledTexts.Vector> rows = embedded(task, task.path(), prompt);
    try {
      Map<String, Integer> ids = labelIds(rows);
      int k = ids.size();
      long count = rows.count();
      progress.accept(String.format("eval: %s: %,d texts, k = %d", task.name(), count, k));
      Map<String, Double> metrics = new LinkedHashMap<>();
      for (int d : dims) {
        JavaRDD<Tuple2<Integer, float[]>> points = rows.map(v -> new Tuple2<>(ids.get(v.label()),
            Matryoshka.truncate(v.vector(), d))).persist(StorageLevel.MEMORY_AND_DISK());
        DistributedKMeans.Result fit = new DistributedKMeans(k, RESTARTS, ITERATIONS,
            Math.max(k, SEED_SAMPLE), seed).fit(points.map(Tuple2::_2));
        double[][] centres = fit.centres();
        long[][] contingency = points.treeAggregate(new long[k][k], (m, t) -> {
          m[t._1()][KMeans.nearest(t._2(), centres)]++;
          return m;
        }, LargeTaskEvaluation::add);
        metrics.put(ReportKeys.of(task.name(), "v_measure", d),
            ClusteringMetrics.vMeasure(contingency));
        points.unpersist(false);
      }
      return new Result(metrics, Map.of(task.name() + "/rows", count));
    } finally {
      rows.unpersist(false);
    }
  }

  /** A task file's rows, embedded on the executors and persisted there. */
  private JavaRDD<LabeledTexts.Vector> embedded(EvalConfig.Task task, String path,
      PromptTemplate prompt) {
    return LabeledTexts.embed(LabeledTexts.read(spark, path, task.field("text"),
        task.field("label")), bundle, prompt, engine).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Label to id, in sorted label order. */
  private static Map<String, Integer> labelIds(JavaRDD<LabeledTexts.Vector> rows) {
    Map<String, Integer> ids = new HashMap<>();
    new TreeSet<>(rows.map(LabeledTexts.Vector::label).distinct().collect()).forEach(l ->
        ids.put(l, ids.size()));
    return ids;
  }

  /**
   * Experiment {@code e}'s train sample: per label, the {@code perLabel} rows with the smallest
   * {@link #key} (all of a label's rows when it has fewer).
   */
  JavaRDD<Tuple2<Integer, float[]>> sample(JavaPairRDD<Long, Tuple2<Integer, float[]>> rows,
      int e, int perLabel) {
    long s = seed;
    Map<Integer, Long> thresholds = rows.mapToPair(t -> new Tuple2<>(t._2()._1(),
        key(s, e, t._1()))).aggregateByKey(new Smallest(perLabel), Smallest::add,
            Smallest::merge).mapValues(Smallest::largest).collectAsMap();
    Map<Integer, Long> cut = new HashMap<>(thresholds);
    return rows.filter(t -> key(s, e, t._1()) <= cut.get(t._2()._1())).values();
  }

  private static LogisticRegression fit(JavaRDD<Tuple2<Integer, float[]>> sample,
      List<Tuple2<Integer, float[]>> local, long rows, int d, int classes) {
    if (local != null) {
      double[][] x = new double[local.size()][];
      int[] y = new int[local.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = doubles(Matryoshka.truncate(local.get(i)._2(), d));
        y[i] = local.get(i)._1();
      }
      return LogisticRegression.mteb().fit(x, y, classes);
    }
    JavaRDD<Block> blocks = DistributedLogisticRegression.blocks(sample.map(v ->
        new LabeledVector(v._1(), doubles(Matryoshka.truncate(v._2(), d)))), 4096)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return DistributedLogisticRegression.fit(LogisticRegression.mteb(), blocks, d, classes,
          rows);
    } finally {
      blocks.unpersist(false);
    }
  }

  /** A row's sampling key in experiment e: SplitMix64's finaliser of seed, e and the row. */
  static long key(long seed, int e, long row) {
    long z = seed + 0x9E3779B97F4A7C15L * (e + 1) + 0xBF58476D1CE4E5B9L * row;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) & Long.MAX_VALUE;
  }

  private static double[] doubles(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static long[][] add(long[][] a, long[][] b) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        a[i][j] += b[i][j];
      }
    }
    return a;
  }

  /** The n smallest keys seen (a bounded max-heap). */
  private static final class Smallest implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int n;
    private final PriorityQueue<Long> heap = new PriorityQueue<>(
        java.util.Collections.reverseOrder());

    Smallest(int n) {
      this.n = n;
    }

    Smallest add(long key) {
      if (heap.size() < n) {
        heap.add(key);
      } else if (key < heap.peek()) {
        heap.poll();
        heap.add(key);
      }
      return this;
    }

    Smallest merge(Smallest o) {
      o.heap.forEach(this::add);
      return this;
    }

    long largest() {
      return heap.isEmpty() ? Long.MIN_VALUE : heap.peek();
    }
  }
}
