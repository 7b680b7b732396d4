package io.embedspark.jobs.train;

import io.embedspark.config.Choice;
import io.embedspark.data.TrainingExample;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ModelSources;
import io.embedspark.io.PresetModels;
import io.embedspark.io.ProjectionInit;
import io.embedspark.train.BatchSource;
import io.embedspark.spark.ParameterAveraging;
import io.embedspark.spark.SparkGradientStep;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.train.GradientSteps;
import io.embedspark.train.TrainingStrategy;
import io.embedspark.train.MixtureSampler;
import io.embedspark.train.TrainerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Trains an embedding model with the Gemini recipe on Spark: the pre-finetune stage (one dataset
 * of (title, passage) pairs, large batches) or the finetune stage (a mixture of datasets with
 * sampling weights, each batch from one dataset, hard negatives), from a preset, an imported
 * checkpoint or the pre-finetuned bundle. In {@code global-batch} mode every step is one
 * contrastive batch across the executors ({@link SparkGradientStep}); in
 * {@code parameter-averaging} mode executors take local steps and average
 * ({@link ParameterAveraging}); {@code local} runs the steps on the driver. Checkpoints, {@code metrics.jsonl} and the final bundle go to the run
 * directory; a rerun resumes from its newest checkpoint.
 */
public final class TrainJob {
  private final SparkSession spark;
  private final TrainJobConfig config;
  private final Consumer<String> progress;

  public TrainJob(SparkSession spark, TrainJobConfig config, Consumer<String> progress) {
    this.spark = spark;
    this.config = config;
    this.progress = progress;
  }

  /** Trains and returns the final bundle, also written to {@code <run_dir>/model}. */
  public CheckpointBundle run() {
    TrainerConfig trainer = config.trainerConfig();
    List<MixtureSampler.Dataset> datasets = new ArrayList<>();
    List<TrainingExample> all = new ArrayList<>();
    for (int i = 0; i < config.datasets().size(); i++) {
      TrainJobConfig.Dataset d = config.datasets().get(i);
      List<TrainingExample> rows = TrainingRows.read(spark, d.path(),
          Choice.parse(TrainJobConfig.DataFormat.class, "format", d.format())
              == TrainJobConfig.DataFormat.JSONL ? "json" : "parquet", d.fields().toFields(),
          d.task(), d.where(), "datasets[" + i + "].where");
      if (rows.isEmpty()) {
        throw new io.embedspark.error.InvalidInputException("datasets[" + i + "] (" + d.name()
            + "): no rows in " + d.path() + (d.where().isEmpty() ? "" : " where " + d.where()));
      }
      progress.accept(String.format("dataset %s: %d rows from %s%s (weight %s)", d.name(),
          rows.size(), d.path(), d.where().isEmpty() ? "" : " where " + d.where(), d.weight()));
      datasets.add(new MixtureSampler.Dataset(d.name(), rows, d.weight()));
      all.addAll(rows);
    }
    BatchSource batches = datasets.size() == 1
        ? BatchSource.of(datasets.get(0).examples(), trainer.globalBatchSize(), trainer.seed())
        : new MixtureSampler(datasets, trainer.globalBatchSize(), trainer.seed());
    CheckpointBundle start = startModel(all);
    RunDirectory run = RunDirectory.open(config.runDir(),
        spark.sparkContext().hadoopConfiguration());
    Path runDir = run.local();
    int shards = config.distributed().shards() > 0 ? config.distributed().shards()
        : spark.sparkContext().defaultParallelism();
    TrainJobConfig.Mode mode = config.distributed().modeChoice();
    ContrastiveTrainer.StepFactory steps = mode == TrainJobConfig.Mode.LOCAL
        ? io.embedspark.gradcache.GradientCache::new
        : (encoder, loss, chunk) -> new SparkGradientStep(
            JavaSparkContext.fromSparkContext(spark.sparkContext()), encoder, loss, chunk,
            shards, trainer.dropout());
    java.util.function.Consumer<Path> onCheckpoint = checkpointListener(run, runDir, start);
    progress.accept(String.format("%s: %d steps of %d examples, %s mode%s%s, run directory %s",
        config.stage(), trainer.steps(), trainer.globalBatchSize(), config.distributed().mode(),
        mode == TrainJobConfig.Mode.LOCAL ? "" : " over " + shards + " shards",
        trainer.duplicateMask() ? "" : ", duplicate mask off (duplicates are negatives)", run));
    TrainingStrategy strategy = mode == TrainJobConfig.Mode.PARAMETER_AVERAGING
        ? new ParameterAveraging(JavaSparkContext.fromSparkContext(spark.sparkContext()), shards,
            config.distributed().averagingSteps())
        : new GradientSteps(steps, "train:" + config.stage() + ":" + config.distributed().mode());
    CheckpointBundle trained = new ContrastiveTrainer(trainer,
        io.embedspark.data.ModelPrompts.training(start.config().prompts()),
        runDir, DataType.FLOAT, progress, strategy).onCheckpoint(onCheckpoint)
        .train(start, batches, trainer.steps()).model();
    trained.write(runDir.resolve("model"), true);
    run.pushFinal();
    progress.accept("trained model written to " + (run.isRemote() ? config.runDir() + "/model"
        : runDir.resolve("model")));
    return trained;
  }

  /**
   * Pushes each checkpoint, after evaluating it on the dev tasks when configured; then the start
   * model is evaluated first, so every checkpoint is reported beside it.
   */
  private java.util.function.Consumer<Path> checkpointListener(RunDirectory run, Path runDir,
      CheckpointBundle start) {
    if (config.eval() == null) {
      return run::pushCheckpoint;
    }
    io.embedspark.jobs.eval.EvalConfig suite = io.embedspark.config.YamlConfig.load(
        Path.of(config.eval().config()), List.of(), io.embedspark.jobs.eval.EvalConfig.class);
    io.embedspark.jobs.eval.CheckpointEvaluation evaluation =
        new io.embedspark.jobs.eval.CheckpointEvaluation(spark, suite, config.eval().metric(),
            runDir, progress);
    evaluation.acceptStart(start);
    run.pushFile(io.embedspark.jobs.eval.CheckpointEvaluation.LOG);
    return checkpoint -> {
      evaluation.accept(checkpoint);
      run.pushCheckpoint(checkpoint);
      run.pushFile(io.embedspark.jobs.eval.CheckpointEvaluation.LOG);
      run.pushFile(io.embedspark.jobs.eval.CheckpointEvaluation.CURVE);
    };
  }

  private CheckpointBundle startModel(List<TrainingExample> rows) {
    java.net.URI uri = java.net.URI.create(config.model().replace(" ", "%20"));
    if (uri.getScheme() != null && !uri.getScheme().equals("file")
        && uri.getScheme().length() > 1) {
      // A bundle on a Hadoop file system, e.g. the pre-finetune stage's remote run directory.
      Path local = io.embedspark.spark.BundleFiles.of(config.model(),
          spark.sparkContext().hadoopConfiguration()).materialise(
          io.embedspark.spark.BundleFiles.cacheRoot());
      return CheckpointBundle.read(local);
    }
    if (!PresetModels.isPreset(config.model())) {
      return ModelSources.open(config.model(), new ImportOptions(0, List.of(),
          config.tokenizer().maxLength(), ProjectionInit.RANDOM, config.train().seed()));
    }
    List<String> corpus = new ArrayList<>();
    for (TrainingExample e : rows) {
      corpus.add(e.query());
      corpus.add(e.positive());
    }
    return PresetModels.initialise(config.model(), corpus, config.tokenizer().vocabSize(),
        config.tokenizer().maxLength(), config.train().seed(), config.datasets().get(0).path());
  }
}
