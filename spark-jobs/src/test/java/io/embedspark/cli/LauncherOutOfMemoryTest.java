package io.embedspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
        result.wait();
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

  private static Process probe(List<String> options) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(options);
    cmd.addAll(List.of("-Xmx32m", "-cp", System.getProperty("java.class.path"),
        ThreadOutOfMemoryProbe.class.getName()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  void aHeapExhaustedInABackgroundThreadEndsTheJvmWithStatus3() throws Exception {
    List<String> options = launcherOptions();
    assertTrue(options.contains("-XX:+ExitOnOutOfMemoryError"), "launcher options " + options);
    Process p = probe(options);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM is still running");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(3, p.exitValue(), out);
    assertTrue(out.contains("Terminating due to java.lang.OutOfMemoryError"), out);
  }

  @Test
  void negativeControlWithoutTheLauncherOptionsTheJvmWaitsForever() throws Exception {
    Process p = probe(List.of());
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean waiting = false;
      while (!waiting && (line = out.readLine()) != null) {
        waiting = line.contains("waiting for its result");
      }
      assertTrue(waiting, "the probe's reader thread did not die of the heap");
      assertFalse(p.waitFor(3, TimeUnit.SECONDS), "without the option the JVM should keep waiting");
    } finally {
      p.destroyForcibly().waitFor();
    }
  }
}
