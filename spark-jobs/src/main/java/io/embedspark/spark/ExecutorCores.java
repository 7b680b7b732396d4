package io.embedspark.spark;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * The cores of the executor this JVM runs: {@code spark.executor.cores} when set, the thread count
 * of a {@code local[N]} master, else the cores the JVM sees.
 */
public final class ExecutorCores {
  private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:,\\s*\\d+)?\\]");

  private ExecutorCores() {}

  /** This executor's cores, from the running Spark environment. */
  public static int get() {
    SparkEnv env = SparkEnv.get();
    return env == null ? Runtime.getRuntime().availableProcessors() : of(env.conf());
  }

  /** An executor's cores under a Spark configuration. */
  static int of(SparkConf conf) {
    int available = Runtime.getRuntime().availableProcessors();
    if (conf.contains("spark.executor.cores")) {
      return Math.max(1, conf.getInt("spark.executor.cores", 1));
    }
    String master = conf.get("spark.master", "").trim().toLowerCase(Locale.ROOT);
    if (master.equals("local")) {
      return 1;
    }
    Matcher m = LOCAL.matcher(master);
    if (m.matches()) {
      return m.group(1).equals("*") ? available : Math.max(1, Integer.parseInt(m.group(1)));
    }
    return available;
  }
}
