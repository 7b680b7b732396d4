package io.embedspark.tokenize;

import io.embedspark.error.CorruptArtifactException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.codec.digest.DigestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a {@code tokenizer.json} in a child JVM ({@link TokenizerCheck}) before this process loads
 * it, once per content: the Rust tokenizers library aborts its whole process, rather than throw,
 * on faults the Java checks of {@link TextTokenizer} do not know. A file that kills the child is
 * refused here with the library's panic message, so the command fails with a message instead of
 * vanishing. Off unless {@link #enable}d: the command-line launcher enables it; Spark executors
 * load only bundles their driver has checked.
 *
 * <p>The child loads the file and encodes two short texts, so a fault that shows only on other
 * texts is not caught. When the child cannot be started at all, the file is loaded in this process
 * as before, with a warning.
 */
public final class TokenizerIsolation {
  private static final Logger LOG = LoggerFactory.getLogger(TokenizerIsolation.class);
  private static final int MESSAGE_CHARS = 600;
  private static final long TIMEOUT_SECONDS = 120;
  private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();
  private static final java.util.concurrent.atomic.AtomicLong STARTED =
      new java.util.concurrent.atomic.AtomicLong();
  private static volatile boolean enabled;

  private TokenizerIsolation() {}

  /** Checks every new {@code tokenizer.json} of this JVM in a child JVM from now on. */
  public static void enable() {
    enabled = true;
  }

  /** Whether checks run (for tests). */
  public static boolean enabled() {
    return enabled;
  }

  /** Child JVMs started by this JVM so far (for tests). */
  public static long childrenStarted() {
    return STARTED.get();
  }

  /** Stops checking (for tests). */
  public static void disable() {
    enabled = false;
  }

  /**
   * Returns when the file loads in a child JVM (or checks are off, or it was checked before).
   *
   * @throws CorruptArtifactException when loading it aborted the child, with the library's message
   */
  static void check(String json) {
    if (!enabled) {
      return;
    }
    String key = DigestUtils.sha256Hex(json);
    if (CHECKED.contains(key)) {
      return;
    }
    String verdict = verdictOfChild(json);
    if (verdict != null && verdict.startsWith("abort:")) {
      throw new CorruptArtifactException("tokenizer.json makes the native tokenizers library "
          + "abort its process (found by loading it in a separate JVM first): "
          + verdict.substring("abort:".length()).trim());
    }
    if (TokenizerCheck.OK.equals(verdict)) {
      CHECKED.add(key);
    }
    // refused or error: loading it here fails with the same problem, as an exception.
  }

  /**
   * The child's verdict line, {@code abort: ...} when it died, or null when it never ran. Its two
   * output streams are read while it runs, so neither can fill up and stall it, and the timeout
   * holds even when it hangs.
   */
  private static String verdictOfChild(String json) {
    try {
      String java = ProcessHandle.current().info().command().orElse("java");
      Process child = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
          "-cp", classPath(), TokenizerCheck.class.getName())).start();
      STARTED.incrementAndGet();
      CompletableFuture<String> answer = drained(child.getInputStream());
      CompletableFuture<String> errors = drained(child.getErrorStream());
      try (OutputStream in = child.getOutputStream()) {
        in.write(json.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // The child died before reading everything; its exit says why below.
      }
      if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        child.destroyForcibly();
        return "abort: loading it did not finish in " + TIMEOUT_SECONDS + " s";
      }
      String said = answer.join().trim();
      if (child.exitValue() == 0 && !said.isEmpty()) {
        return said;
      }
      String err = errors.join();
      if (err.contains("ClassNotFoundException") || err.contains("NoClassDefFoundError")
          || err.contains("Could not find or load main class")) {
        LOG.warn("the tokenizer.json check could not start its JVM; loading the file in this "
            + "process: {}", shortened(err, false));
        return null;
      }
      int panic = err.indexOf("panicked at");
      return "abort: the JVM that loaded it exited with code " + child.exitValue() + "; "
          + (panic >= 0 ? "the library said: " + shortened(err.substring(panic), true)
          : "its error output ends: " + shortened(err, false));
    } catch (IOException e) {
      LOG.warn("the tokenizer.json check could not start its JVM ({}); loading the file in this "
          + "process", e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** All of a stream as text, read on another thread. */
  private static CompletableFuture<String> drained(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }, runnable -> {
      Thread t = new Thread(runnable, "tokenizer-check-output");
      t.setDaemon(true);
      t.start();
    });
  }

  /**
   * This JVM's class path and the jars of the classes the check needs, which a launcher such as
   * spark-submit loads through its own class loader rather than the class path.
   */
  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>(List.of(
        System.getProperty("java.class.path", "").split(File.pathSeparator)));
    List<Class<?>> needed = new ArrayList<>(List.of(TokenizerCheck.class,
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.class,
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.class.getSuperclass(),
        com.fasterxml.jackson.databind.ObjectMapper.class,
        com.fasterxml.jackson.core.JsonFactory.class,
        com.fasterxml.jackson.annotation.JsonProperty.class, org.slf4j.Logger.class));
    for (Class<?> c : needed) {
      try {
        var source = c.getProtectionDomain().getCodeSource();
        if (source != null) {
          entries.add(Path.of(source.getLocation().toURI()).toString());
        }
      } catch (java.net.URISyntaxException | RuntimeException e) {
        // that class's jar stays as the class path has it
      }
    }
    entries.remove("");
    return String.join(File.pathSeparator, entries);
  }

  /** One line of at most {@link #MESSAGE_CHARS} characters: its start, or its end. */
  private static String shortened(String s, boolean start) {
    String one = s.replace('\n', ' ').trim();
    if (one.length() <= MESSAGE_CHARS) {
      return one;
    }
    return start ? one.substring(0, MESSAGE_CHARS) + "..."
        : "..." + one.substring(one.length() - MESSAGE_CHARS);
  }

}
