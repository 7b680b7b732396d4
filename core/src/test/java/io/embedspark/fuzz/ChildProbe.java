package io.embedspark.fuzz;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link TokenizerProbe} in a child JVM and asks it about one input at a time, so that a
 * native library that aborts its process on some input costs the child, not the fuzzing JVM: the
 * abort becomes an answer ({@code abort: ...}, with the exit code and the end of the child's
 * error output), which the fuzz target turns into an ordinary finding, and the next input gets a
 * new child.
 */
final class ChildProbe {
  private static final int ERROR_TAIL = 2000;

  private Process process;
  private DataOutputStream requests;
  private BufferedReader answers;
  private Path errors;

  ChildProbe() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
  }

  private synchronized void stop() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  /** The child's answer on {@code input}, or {@code abort: ...} when it died on it. */
  synchronized String ask(byte[] input) {
    if (process == null) {
      start();
    }
    try {
      requests.writeInt(input.length);
      requests.write(input);
      requests.flush();
      String line = answers.readLine();
      if (line != null) {
        return line;
      }
    } catch (IOException e) {
      // The child is gone; say how below.
    }
    return "abort: " + died();
  }

  private void start() {
    try {
      errors = Files.createTempFile(Fuzzing.scratch(), "probe-", ".err");
      String java = ProcessHandle.current().info().command().orElse("java");
      process = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp",
          System.getProperty("java.class.path"), TokenizerProbe.class.getName()))
          .redirectError(errors.toFile()).start();
      requests = new DataOutputStream(process.getOutputStream());
      answers = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the probe JVM", e);
    }
  }

  private String died() {
    Process dead = process;
    process = null;
    try {
      if (!dead.waitFor(30, TimeUnit.SECONDS)) {
        dead.destroyForcibly();
        return "the child JVM stopped answering";
      }
      String err = Files.readString(errors, StandardCharsets.UTF_8);
      int panic = err.indexOf("panicked at");
      String said = panic >= 0 ? err.substring(panic, Math.min(err.length(), panic + ERROR_TAIL))
          : err.substring(Math.max(0, err.length() - ERROR_TAIL));
      return "the child JVM exited with code " + dead.exitValue() + "; its error output "
          + (panic >= 0 ? "says: " : "ends: ") + said.replace('\n', ' ');
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (IOException e) {
      return "its error output is unreadable: " + e;
    }
  }
}
