package io.embedspark.train;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedspark.io.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** A run's {@code metrics.jsonl}: one JSON line of {@link StepMetrics} per step. */
public final class MetricsLog {
  private final Path file;

  public MetricsLog(Path runDir) {
    this.file = runDir.resolve("metrics.jsonl");
  }

  public Path file() {
    return file;
  }

  public void append(StepMetrics m) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, JsonFiles.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(m) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops lines of steps after the checkpoint a run resumes from (they will be redone). */
  public void truncateAfter(long lastKept) {
    if (!Files.exists(file)) {
      return;
    }
    try {
      List<String> kept = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank() && JsonFiles.MAPPER.readTree(line).path("step").asLong() <= lastKept) {
          kept.add(line);
        }
      }
      Files.write(file, kept);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every step's metrics, in file order. */
  public List<StepMetrics> read() {
    List<StepMetrics> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          out.add(JsonFiles.MAPPER.readValue(line, StepMetrics.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }
}
