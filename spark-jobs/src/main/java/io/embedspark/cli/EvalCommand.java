package io.embedspark.cli;

import io.embedspark.jobs.demo.ReportTable;
import io.embedspark.spark.SparkSessions;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.jobs.eval.EvalConfig;
import io.embedspark.jobs.eval.EvalJob;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embedspark eval}: evaluate a model on a task suite ({@link EvalJob}). */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate a checkpoint bundle (or the embed job's Parquet) on an MTEB-style "
        + "suite at every Matryoshka dimension, with BM25 beside every retrieval task; writes "
        + "report.json, report.md and plots.")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--config", defaultValue = "conf/eval.yaml",
      description = "Job configuration (default: ${DEFAULT-VALUE}); every key is documented in it.")
  Path config;

  @Mixin
  JobOptions job;

  @Override
  public Integer call() throws Exception {
    EvalConfig c = job.load(config, EvalConfig.class);
    try (SparkSession spark = SparkSessions.create("embedspark-eval", job.sparkMaster())) {
      EvalReport report = new EvalJob(spark, c, System.out::println).run();
      System.out.println(ReportTable.text(report));
    }
    return 0;
  }
}
