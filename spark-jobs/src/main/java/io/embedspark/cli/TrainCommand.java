package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.jobs.train.TrainJob;
import io.embedspark.jobs.train.TrainJobConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embedspark train}: a pre-finetune or finetune stage on Spark ({@link TrainJob}). */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train an embedding model with the Gemini recipe: one contrastive batch across "
        + "the Spark executors per step (gradient cache), from a preset, a checkpoint or the "
        + "pre-finetuned model; resumes from the newest checkpoint of its run directory.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--config", defaultValue = "conf/prefinetune.yaml",
      description = "Job configuration (default: ${DEFAULT-VALUE}); conf/finetune.yaml is the "
          + "second stage.")
  Path config;

  @Mixin
  JobOptions job;

  @Override
  public Integer call() throws Exception {
    TrainJobConfig c = job.load(config, TrainJobConfig.class);
    try (SparkSession spark = SparkSessions.create("embedspark-train",
        job.sparkMaster())) {
      new TrainJob(spark, c, line -> Console.log("%s", line)).run();
    }
    return 0;
  }
}
