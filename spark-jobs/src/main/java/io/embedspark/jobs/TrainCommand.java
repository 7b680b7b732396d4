package io.embedspark.jobs;

import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingData;
import io.embedspark.data.TrainingExample;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ModelSources;
import io.embedspark.io.PresetModels;
import io.embedspark.io.ProjectionInit;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.train.TrainerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embedspark train}: contrastive training on the driver with the gradient cache (the
 * distributed train job comes later), reading rows with Spark from JSONL or Parquet on any Hadoop
 * FileSystem, resuming from the newest checkpoint in the run directory.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train an embedding model on (query, positive, negatives) rows on one machine.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--data", required = true,
      description = "Training rows: JSONL or Parquet (by extension, or --format), any Hadoop path.")
  String data;

  @Option(names = "--format", description = "json or parquet (default: from the extension).")
  String format;

  @Option(names = "--model", defaultValue = "small",
      description = "A preset (tiny, small, base) or a model path, or 'mbert' (default: "
          + "${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--run-dir", defaultValue = "runs/train",
      description = "Checkpoints, metrics.jsonl and the final model (default: ${DEFAULT-VALUE}).")
  Path runDir;

  @Option(names = "--query-field", defaultValue = "query") String queryField;
  @Option(names = "--positive-field", defaultValue = "positive") String positiveField;
  @Option(names = "--negatives-field", defaultValue = "negatives") String negativesField;
  @Option(names = "--task-field", defaultValue = "task") String taskField;
  @Option(names = "--id-field", defaultValue = "id") String idField;
  @Option(names = "--steps", defaultValue = "100") int steps;
  @Option(names = "--batch-size", defaultValue = "32",
      description = "Examples per contrastive batch (default: ${DEFAULT-VALUE}).")
  int batchSize;
  @Option(names = "--chunk-size", defaultValue = "32",
      description = "Sequences per gradient-cache pass (default: ${DEFAULT-VALUE}).")
  int chunkSize;
  @Option(names = "--learning-rate", defaultValue = "1e-3") double learningRate;
  @Option(names = "--warmup-steps", defaultValue = "-1",
      description = "Default: a tenth of the steps.")
  int warmupSteps;
  @Option(names = "--temperature", defaultValue = "0.05") double temperature;
  @Option(names = "--weight-decay", defaultValue = "0.01") double weightDecay;
  @Option(names = "--checkpoint-every", defaultValue = "50") int checkpointEvery;
  @Option(names = "--no-dropout", description = "Train without dropout.") boolean noDropout;
  @Option(names = "--max-length", defaultValue = "64") int maxLength;
  @Option(names = "--vocab-size", defaultValue = "8000",
      description = "WordPiece vocabulary size for presets.")
  int vocabSize;
  @Option(names = "--seed", defaultValue = "42") long seed;
  @Option(names = "--master", defaultValue = "local[*]",
      description = "Spark master for reading the data; 'submit' to take spark-submit's.")
  String master;

  @Override
  public Integer call() throws Exception {
    TrainingData.Fields fields = new TrainingData.Fields(idField, taskField, queryField,
        positiveField, negativesField);
    List<TrainingExample> rows;
    try (SparkSession spark = SparkSessions.create("embedspark-train",
        master.equals("submit") ? null : master)) {
      rows = TrainingRows.read(spark, data, format != null ? format : TrainingRows.formatOf(data),
          fields, "default");
    }
    DemoJob.log("read %d training rows from %s", rows.size(), data);
    CheckpointBundle start = startModel(rows);
    TrainerConfig config = new TrainerConfig(steps, batchSize, chunkSize, learningRate,
        warmupSteps >= 0 ? warmupSteps : Math.max(1, steps / 10), 0.1, weightDecay, 1.0,
        temperature, List.of(), !noDropout, checkpointEvery, seed);
    CheckpointBundle trained = new ContrastiveTrainer(config, TaskPrompts.retrievalDefaults(),
        runDir, DataType.FLOAT, line -> DemoJob.log("%s", line)).train(start, rows, steps).model();
    trained.write(runDir.resolve("model"), true);
    DemoJob.log("trained model written to %s", runDir.resolve("model"));
    return 0;
  }

  private CheckpointBundle startModel(List<TrainingExample> rows) {
    if (!PresetModels.isPreset(model)) {
      return ModelSources.open(model, new ImportOptions(0, List.of(), maxLength,
          ProjectionInit.RANDOM, seed));
    }
    List<String> corpus = new ArrayList<>();
    for (TrainingExample e : rows) {
      corpus.add(e.query());
      corpus.add(e.positive());
    }
    return PresetModels.initialise(model, corpus, vocabSize, maxLength, seed, data);
  }
}
