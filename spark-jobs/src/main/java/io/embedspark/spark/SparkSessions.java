package io.embedspark.spark;

import io.embedspark.nd4j.OpFence;
import org.apache.spark.sql.SparkSession;

/** Creates the Spark session of a job: embedded when a master is given, else from spark-submit. */
public final class SparkSessions {
  /** The {@code --master} value that picks spark-submit's master, or {@code local[*]}. */
  public static final String AUTO = "auto";
  private static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";

  private SparkSessions() {}

  /**
   * The master to build a session with: null (spark-submit's, which sets {@code spark.master}) for
   * {@value #AUTO} under spark-submit or for {@code submit}, {@code local[*]} for {@value #AUTO}
   * otherwise, else the value given.
   */
  public static String master(String option) {
    if (option.equals("submit")) {
      return null;
    }
    if (option.equals(AUTO)) {
      return System.getProperty("spark.master") != null ? null : "local[*]";
    }
    return option;
  }

  /**
   * Asks ND4J for the fenced op executioner here and in executor JVMs ({@link OpFence}), unless
   * the executors' Java options already name an executioner.
   *
   * @param master e.g. {@code local[*]} to run embedded; null to take spark-submit's master
   */
  public static SparkSession create(String appName, String master) {
    SparkSession.Builder b = SparkSession.builder().appName(appName)
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "true");
    String executorOptions = executorJavaOptions(
        System.getProperty(EXECUTOR_JAVA_OPTIONS, ""), OpFence.request());
    if (!executorOptions.isEmpty()) {
      b.config(EXECUTOR_JAVA_OPTIONS, executorOptions);
    }
    if (master != null) {
      b.master(master)
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "8")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
    }
    SparkSession session = b.getOrCreate();
    OpFence.warnIfInactive();
    return session;
  }

  /**
   * The executors' Java options: {@code existing} (spark-submit's, or empty) with {@code fence}
   * (from {@link OpFence#request}) added, unless they already choose an ND4J executioner.
   */
  static String executorJavaOptions(String existing, String fence) {
    if (fence.isEmpty() || existing.contains("-D" + OpFence.PROPERTY + "=")) {
      return existing;
    }
    return (existing + " " + fence).trim();
  }
}
