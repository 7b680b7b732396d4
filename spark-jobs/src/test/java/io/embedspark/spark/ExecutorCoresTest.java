package io.embedspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** An executor's cores under the ways Spark is told them. */
class ExecutorCoresTest {
  private static final int AVAILABLE = Runtime.getRuntime().availableProcessors();

  @Test
  void executorCoresWinOverTheMaster() {
    assertEquals(3, ExecutorCores.of(new SparkConf(false).set("spark.master", "local[8]")
        .set("spark.executor.cores", "3")));
  }

  @Test
  void aLocalMasterGivesItsThreads() {
    assertEquals(1, ExecutorCores.of(new SparkConf(false).set("spark.master", "local")));
    assertEquals(5, ExecutorCores.of(new SparkConf(false).set("spark.master", "local[5]")));
    assertEquals(4, ExecutorCores.of(new SparkConf(false).set("spark.master", "local[4, 2]")));
    assertEquals(AVAILABLE, ExecutorCores.of(new SparkConf(false).set("spark.master",
        "local[*]")));
  }

  @Test
  void aClusterExecutorWithoutTheSettingUsesTheCoresItSees() {
    assertEquals(AVAILABLE, ExecutorCores.of(new SparkConf(false).set("spark.master",
        "spark://host:7077")));
  }
}
