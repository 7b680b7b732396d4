package io.embedspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.nd4j.OpFence;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resident memory stays flat over many Spark global-batch steps: a run does not hold on to native
 * memory step after step. The steps ({@link SparkStepMemoryProbe}: all-MiniLM-L6-v2's shape, a
 * new batch of random lengths every step, dropout, clipping, AdamW) run in a child JVM whose 1 GB
 * heap is committed and touched from the start, and whose C allocator returns every freed
 * block of a megabyte or more to the system, so the resident size moves only with native memory
 * in use. Two libnd4j calls used to keep memory per chunk (about 20 MB per step of this shape);
 * a run of hundreds of steps then outgrew any memory setting. The negative control keeps 8 MB per
 * step on purpose and must be caught.
 */
class SparkStepMemoryIT {
  private static final int STEPS = 30;
  /** Growth allowed from step 12 to the last: collector timing, not a leak. */
  private static final long ALLOWED_MB = 100;

  /** Resident megabytes after each step. */
  private static long[] residentAfterEachStep(int leakMb) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
        cmd.add(arg); // what Spark needs on Java 17, as this JVM was given
      }
    }
    String fence = OpFence.request(); // as this JVM runs: no native crash when the collector runs
    if (!fence.isEmpty()) {
      cmd.add(fence);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        SparkStepMemoryProbe.class.getName(), "" + STEPS, "32", "64", "16", "" + leakMb));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("MALLOC_MMAP_THRESHOLD_", "1048576");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), () -> "probe failed:\n" + out);
    assertTrue(fence.isEmpty() || out.contains("fenced=true"),
        () -> "the probe JVM does not run the fenced executioner:\n" + out);
    long[] rss = out.lines().filter(l -> l.startsWith("step="))
        .mapToLong(l -> Long.parseLong(l.replaceAll(".*rssMB=(\\d+).*", "$1"))).toArray();
    assertEquals(STEPS, rss.length, () -> "probe output:\n" + out);
    System.out.printf("%d Spark steps keeping %d MB each: resident MB %s%n", STEPS, leakMb,
        java.util.Arrays.toString(rss));
    return rss;
  }

  private static long growth(long[] rss) {
    long early = 0;
    for (int i = 9; i < 12; i++) {
      early = Math.max(early, rss[i]);
    }
    return rss[rss.length - 1] - early;
  }

  @Test
  void residentMemoryStaysFlatOverManySteps() throws Exception {
    long grown = growth(residentAfterEachStep(0));
    assertTrue(grown < ALLOWED_MB, "resident memory grew " + grown + " MB from step 12 to step "
        + STEPS);
    long leaking = growth(residentAfterEachStep(8));
    assertTrue(leaking >= ALLOWED_MB, "negative control: keeping 8 MB per step grew only "
        + leaking + " MB, so the check would miss a leak of that size");
  }
}
