package io.embedspark.jobs.eval;

import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.eval.report.ReportWriter;
import io.embedspark.eval.tasks.BitextTask;
import io.embedspark.eval.tasks.ClassificationTask;
import io.embedspark.eval.tasks.ClusteringTask;
import io.embedspark.eval.tasks.EvalTask;
import io.embedspark.eval.tasks.PairClassificationTask;
import io.embedspark.eval.tasks.RerankingTask;
import io.embedspark.eval.tasks.StsTask;
import io.embedspark.eval.tasks.TaskEvaluator;
import io.embedspark.eval.tasks.TaskType;
import io.embedspark.io.BundleConfig;
import io.embedspark.spark.BundleFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code eval} job: every task of a suite at every Matryoshka dimension, MTEB's metrics,
 * BM25 next to every retrieval task, and a report ({@code report.json} with stable keys,
 * {@code report.md} with plots). Retrieval runs over the distributed corpus ({@link
 * RetrievalEvaluation}); the other task types are embedded on the executors and scored on the
 * driver ({@link TaskEvaluator}), except classification and clustering tasks marked {@code
 * distributed}, which stay on the executors ({@link LargeTaskEvaluation}).
 */
public final class EvalJob {
  private final SparkSession spark;
  private final EvalConfig config;
  private final Consumer<String> progress;

  public EvalJob(SparkSession spark, EvalConfig config, Consumer<String> progress) {
    this.spark = spark;
    this.config = config;
    this.progress = progress;
  }

  /** Runs the suite, writes the report into {@code output} and returns it. */
  public EvalReport run() {
    EvalReport report = evaluate();
    Map<String, EvalReport> compared = new TreeMap<>();
    config.compare().forEach((name, file) -> compared.put(name, EvalReport.read(Path.of(file))));
    Path md = ReportWriter.write(report, compared, Path.of(config.output()));
    progress.accept("eval: report in " + md + " and " + md.resolveSibling("report.json"));
    return report;
  }

  /** Runs the suite without writing anything but the embeddings it needs. */
  public EvalReport evaluate() {
    long t0 = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    boolean noModel = config.model() == null || config.model().isBlank();
    if (noModel && config.needsModel()) {
      throw new InvalidInputException("model must name a checkpoint bundle: some tasks are "
          + "embedded by the job (only retrieval tasks with embeddings need none)");
    }
    BundleFiles files = noModel ? null
        : BundleFiles.of(config.model(), hadoop).withMaxLength(config.maxLength(), "max_length");
    BundleConfig model = files == null ? null : files.config();
    int[] dims = dims(model);
    Broadcast<BundleFiles> bundle = files == null ? null : jsc.broadcast(files);
    TaskFiles taskFiles = new TaskFiles(hadoop);
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, Double> bm25 = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> main = new LinkedHashMap<>();
    Map<String, Object> details = new LinkedHashMap<>();
    Map<String, Map<String, Double>> perQuery = new LinkedHashMap<>();
    try {
      TaskEvaluator evaluator = bundle == null ? null : new TaskEvaluator(
          new SparkTextEmbedder(jsc, bundle, config.inferenceEngine()),
          Arrays.stream(dims).boxed().toList(), config.seed(), model.prompts());
      RetrievalEvaluation retrieval = new RetrievalEvaluation(spark, config, files, progress);
      LargeTaskEvaluation large = bundle == null ? null : new LargeTaskEvaluation(spark, bundle,
          dims, config.seed(), config.driverFitRows(), progress, config.inferenceEngine());
      for (EvalConfig.Task task : config.tasks()) {
        long s = System.nanoTime();
        progress.accept("eval: task " + task.name() + " (" + task.type() + ")");
        types.put(task.name(), task.type());
        TaskType type = TaskType.parse(task.type());
        main.put(task.name(), type.primaryMetric());
        if (type == TaskType.RETRIEVAL) {
          RetrievalEvaluation.Result r = retrieval.run(task, dims);
          metrics.putAll(r.model());
          bm25.putAll(r.bm25());
          perQuery.putAll(r.perQuery());
          details.putAll(r.details());
        } else if (task.isDistributed()) {
          LargeTaskEvaluation.Result r = type == TaskType.CLASSIFICATION
              ? large.classification(task) : large.clustering(task);
          metrics.putAll(r.metrics());
          details.putAll(r.details());
        } else {
          EvalTask t = load(task, taskFiles);
          jsc.setJobDescription("embedspark eval " + task.name() + ": embed texts");
          metrics.putAll(evaluator.evaluate(t, task.promptTemplate()));
          perQuery.putAll(evaluator.takeItemScores());
          jsc.setJobDescription(null);
          if (t instanceof ClassificationTask c && c.droppedTestRows() > 0) {
            details.put(task.name() + "/test_rows_with_unseen_labels", c.droppedTestRows());
          }
        }
        double seconds = (System.nanoTime() - s) / 1e9;
        details.put(task.name() + "/seconds", seconds);
        warnAboutData(task.name(), details);
        String mainKey = io.embedspark.eval.tasks.ReportKeys.of(task.name(),
            main.get(task.name()), dims[dims.length - 1]);
        progress.accept(String.format("eval: %s %s = %.4f%s (%.1f s)", task.name(), mainKey
            .substring(task.name().length() + 1), metrics.getOrDefault(mainKey, Double.NaN),
            bm25.containsKey(task.name() + "/" + main.get(task.name())) ? String.format(
                ", BM25 %.4f", bm25.get(task.name() + "/" + main.get(task.name()))) : "",
            seconds));
      }
    } finally {
      if (bundle != null) {
        bundle.destroy();
      }
    }
    details.put("seconds", (System.nanoTime() - t0) / 1e9);
    if (files != null) {
      details.put("model_sha256", files.manifestSha256());
    }
    return new EvalReport(config.modelName(), Arrays.stream(dims).boxed().toList(), types, main,
        metrics, bm25.isEmpty() ? Map.of() : Map.of("bm25", bm25), details, perQuery);
  }

  /**
   * Says on the console, not only in report.json, when a task's data cannot be scored as given:
   * test rows whose label the train split never shows, judged documents the corpus lacks.
   */
  private void warnAboutData(String task, Map<String, Object> details) {
    Object unseen = details.get(task + "/test_rows_with_unseen_labels");
    if (unseen instanceof Number n && n.longValue() > 0) {
      progress.accept("eval: warning: " + task + ": " + n + " test rows have a label the train "
          + "split never shows; they are left out of the score");
    }
    Object missing = details.get(task + "/judged_documents_missing_from_corpus");
    if (missing instanceof Number n && n.longValue() > 0) {
      progress.accept("eval: warning: " + task + ": " + n + " documents the qrels judge are not "
          + "in the corpus and can never be retrieved, e.g. "
          + details.get(task + "/judged_documents_missing_from_corpus_examples"));
    }
  }

  /** The dims to report: configured, else the model's Matryoshka dims; each checked. */
  private int[] dims(BundleConfig model) {
    List<Integer> dims = config.dims();
    if (dims.isEmpty()) {
      if (model == null) {
        throw new InvalidInputException("dims must be given when no model is");
      }
      dims = model.model().matryoshkaDims();
    }
    if (model != null) {
      for (int d : dims) {
        if (d > model.model().outputDim()) {
          throw new InvalidInputException("dims contains " + d + ", more than the model's "
              + model.model().outputDim() + " output dims");
        }
      }
    }
    return dims.stream().distinct().sorted().mapToInt(Integer::intValue).toArray();
  }

  private static EvalTask load(EvalConfig.Task t, TaskFiles files) {
    String n = t.name();
    return switch (t.type()) {
      case "classification" -> ClassificationTask.of(n, t.train(), files.rows(t.train()),
          t.test(), files.rows(t.test()), t.field("text"), t.field("label"), t.experiments(),
          t.samplesPerLabel());
      case "clustering" -> ClusteringTask.of(n, t.path(), files.rows(t.path()),
          t.field("sentences"), t.field("labels"));
      case "sts" -> StsTask.of(n, t.path(), files.rows(t.path()), t.field("sentence1"),
          t.field("sentence2"), t.field("score"));
      case "pair_classification" -> PairClassificationTask.of(n, t.path(), files.rows(t.path()),
          t.field("sentence1"), t.field("sentence2"), t.field("label"));
      case "reranking" -> RerankingTask.of(n, t.path(), files.rows(t.path()), t.field("query"),
          t.field("positive"), t.field("negative"));
      case "bitext" -> BitextTask.of(n, t.path(), files.rows(t.path()), t.field("source"),
          t.field("target"));
      default -> throw new InvalidInputException("task " + n + ": unknown type " + t.type());
    };
  }
}
