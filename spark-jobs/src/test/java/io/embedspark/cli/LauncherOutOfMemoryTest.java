package io.embedspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started by {@code bin/embedspark} ends when its heap runs out in a background thread,
 * instead of waiting forever for what that thread was to deliver (as Spark's driver waits for a
 * task result whose reader thread died of it). The probe runs in a child JVM with the launcher's
 * own options, read from {@code bin/embedspark}, and a 32 MB heap: it exits with status 3. The
 * negative control, the same probe without those options, is still waiting after its thread died.
 */
class LauncherOutOfMemoryTest {
  private static final Path LAUNCHER = Path.of("..", "bin", "embedspark");

  /** Starts a thread that exhausts the heap, then waits for it like a scheduler for a result. */
  static final class ThreadOutOfMemoryProbe {
    public static void main(String[] args) throws InterruptedException {
      Thread reader = new Thread(() -> {
        List<long[]> held = new ArrayList<>();
        while (true) {
          held.add(new long[1 << 20]);
        }
      }, "task-result-getter-0");
      reader.start();
      reader.join();
      System.out.println("reader died; waiting for its result");
      System.out.flush();
      Object result = new Object();
      synchronized (result) {
        while (true) {
          result.wait(); // nothing will ever deliver it
        }
      }
    }
  }

  /** The JVM options {@code bin/embedspark} always passes, before the user's own. */
  static List<String> launcherOptions() throws IOException {
    String exec = Files.readAllLines(LAUNCHER).stream().map(String::strip)
        .filter(l -> l.startsWith("exec java ")).findFirst()
        .orElseThrow(() -> new AssertionError(LAUNCHER + " has no 'exec java' line"));
    List<String> options = new ArrayList<>();
    for (String token : Arrays.asList(exec.substring("exec java ".length()).split("\\s+"))) {
      if (!token.startsWith("-")) {
        break; // the user's EMBEDSPARK_JAVA_OPTS and what follows
      }
      options.add(token);
    }
    return options;
  }

  /** Starts the probe with these JVM options, its output and errors going to {@code log}. */
  private static Process probe(List<String> options, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(options);
    cmd.addAll(List.of("-Xmx32m", "-cp", System.getProperty("java.class.path"),
        ThreadOutOfMemoryProbe.class.getName()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
  }

  @Test
  void aHeapExhaustedInABackgroundThreadEndsTheJvmWithStatus3(@TempDir Path dir)
      throws Exception {
    List<String> options = launcherOptions();
    assertTrue(options.contains("-XX:+ExitOnOutOfMemoryError"), "launcher options " + options);
    Path log = dir.resolve("probe.log");
    Process p = probe(options, log);
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    p.destroyForcibly().waitFor();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(ended, "the JVM was still running after 60 s: " + out);
    assertEquals(3, p.exitValue(), out);
    assertTrue(out.contains("Terminating due to java.lang.OutOfMemoryError"), out);
  }

  @Test
  void negativeControlWithoutTheLauncherOptionsTheJvmWaitsForever(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("probe.log");
    Process p = probe(List.of(), log);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (p.isAlive() && System.nanoTime() < deadline
          && !Files.readString(log, StandardCharsets.UTF_8).contains("waiting for its result")) {
        Thread.sleep(100);
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(out.contains("waiting for its result"),
          "the probe's reader thread did not die of the heap: " + out);
      assertFalse(p.waitFor(3, TimeUnit.SECONDS), "without the option the JVM should keep waiting");
    } finally {
      p.destroyForcibly().waitFor();
    }
  }
}
