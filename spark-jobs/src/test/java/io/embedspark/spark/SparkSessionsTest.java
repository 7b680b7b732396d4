package io.embedspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SparkSessionsTest {
  private static final String FENCE = "-Dopexec=io.embedspark.nd4j.FencedOpExecutioner";

  @Test
  void executorsAreAskedForTheFencedExecutionerBesideTheUsersOptions() {
    assertEquals(FENCE, SparkSessions.executorJavaOptions("", FENCE));
    assertEquals("-XX:+UseG1GC " + FENCE,
        SparkSessions.executorJavaOptions("-XX:+UseG1GC", FENCE));
    // The user's own choice of executioner stands; a build without the fence asks nothing.
    assertEquals("-Dopexec=my.Executioner",
        SparkSessions.executorJavaOptions("-Dopexec=my.Executioner", FENCE));
    assertEquals("-XX:+UseG1GC", SparkSessions.executorJavaOptions("-XX:+UseG1GC", ""));
  }
}
