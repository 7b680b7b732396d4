package io.embedspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bundle's {@code config.json} on any bytes: a valid config, or a CorruptArtifactException
 * naming the file, as {@code CheckpointBundle.read} reads it.
 */
class BundleConfigFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyConfigJsonIsReadOrRefusedByName(byte[] bytes) throws IOException {
    Path file = Fuzzing.scratch().resolve("config.json");
    Files.write(file, bytes);
    try {
      JsonFiles.read(file, BundleConfig.class).validated(file.toString());
    } catch (CorruptArtifactException e) {
      Fuzzing.requireNamed(e);
      if (!e.getMessage().contains("config.json")) {
        throw new AssertionError("the message does not name the file: " + e.getMessage(), e);
      }
    }
  }
}
