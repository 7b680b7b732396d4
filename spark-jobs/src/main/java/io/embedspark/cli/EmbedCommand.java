package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.jobs.embed.EmbedConfig;
import io.embedspark.jobs.embed.EmbedJob;
import io.embedspark.jobs.embed.EmbedReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embedspark embed}: bulk-embed a corpus into Parquet ({@link EmbedJob}). */
@Command(name = "embed", mixinStandardHelpOptions = true,
    description = "Embed a corpus (Parquet, JSON lines or BEIR) into Parquet with a checkpoint "
        + "bundle, every row exactly once: embedded or rejected with a reason.")
final class EmbedCommand implements Callable<Integer> {
  @Option(names = "--config", defaultValue = "conf/embed.yaml",
      description = "Job configuration (default: ${DEFAULT-VALUE}); every key is documented in it.")
  Path config;

  @Mixin
  JobOptions job;

  @Override
  public Integer call() throws Exception {
    EmbedConfig c = job.load(config, EmbedConfig.class);
    try (SparkSession spark = SparkSessions.create("embedspark-embed",
        job.sparkMaster())) {
      EmbedReport report = new EmbedJob(spark, c, System.out::println).run();
      System.out.println(report.summary());
      System.out.println("embeddings: " + c.output().path() + "  rejects: "
          + c.output().rejects());
    }
    return 0;
  }
}
