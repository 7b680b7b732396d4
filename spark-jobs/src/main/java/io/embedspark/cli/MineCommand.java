package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.jobs.mine.MineConfig;
import io.embedspark.jobs.mine.MineJob;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embedspark mine}: hard-negative triples from pairs ({@link MineJob}). */
@Command(name = "mine", mixinStandardHelpOptions = true,
    description = "Mine hard negatives for (query, positive) pairs by exact nearest-neighbour "
        + "search, dropping likely false negatives; writes finetune triples with their scores.")
final class MineCommand implements Callable<Integer> {
  @Option(names = "--config", defaultValue = "conf/mine.yaml",
      description = "Job configuration (default: ${DEFAULT-VALUE}); every key is documented in it.")
  Path config;

  @Mixin
  JobOptions job;

  @Override
  public Integer call() throws Exception {
    MineConfig c = job.load(config, MineConfig.class);
    try (SparkSession spark = SparkSessions.create("embedspark-mine", job.sparkMaster())) {
      new MineJob(spark, c, System.out::println).run();
    }
    return 0;
  }
}
