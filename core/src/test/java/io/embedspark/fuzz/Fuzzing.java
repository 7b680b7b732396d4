package io.embedspark.fuzz;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the fuzz targets share: the source name their errors must carry, and a scratch file. */
final class Fuzzing {
  static final String SOURCE = "fuzzed-input";
  private static Path scratch;

  private Fuzzing() {}

  /** A project error must name what it read. */
  static void requireNamed(RuntimeException e) {
    if (!(e instanceof CorruptArtifactException || e instanceof InvalidInputException)) {
      throw e;
    }
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      throw new AssertionError("an error without a message", e);
    }
  }

  /** A per-JVM scratch directory, for readers that take a path. */
  static synchronized Path scratch() {
    if (scratch == null) {
      try {
        scratch = Files.createTempDirectory("embedspark-fuzz-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return scratch;
  }
}
