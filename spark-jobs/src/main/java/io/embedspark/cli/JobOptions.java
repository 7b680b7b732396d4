package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.config.YamlConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every configured job shares: key overrides and the Spark master. */
final class JobOptions {
  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a configuration key (dotted, YAML value), e.g. "
          + "--set output.path=/tmp/out or --set train.steps=100. Repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--master", defaultValue = SparkSessions.AUTO,
      description = "Spark master, e.g. local[4]; by default spark-submit's when run under it, "
          + "else local[*].")
  String master;

  /** The configuration file with the overrides applied, bound to {@code type}. */
  <T> T load(Path config, Class<T> type) {
    return YamlConfig.load(config, overrides, type);
  }

  /** The master to build the session with ({@link SparkSessions#master}). */
  String sparkMaster() {
    return SparkSessions.master(master);
  }
}
