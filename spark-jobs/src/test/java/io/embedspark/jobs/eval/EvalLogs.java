package io.embedspark.jobs.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A training run's {@value CheckpointEvaluation#LOG}, written as the run logs it, for tests. */
public final class EvalLogs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvalLogs() {}

  /** One scored checkpoint ({@code "start"} for the model training started from). */
  public static CheckpointEvaluation.Entry entry(long step, String checkpoint, String metric,
      double value) {
    return new CheckpointEvaluation.Entry(step, checkpoint, metric, value, Map.of(metric, value));
  }

  /** Writes the entries to {@code run}'s log and creates each checkpoint's model directory. */
  public static void write(Path run, CheckpointEvaluation.Entry... entries) throws IOException {
    StringBuilder b = new StringBuilder();
    for (CheckpointEvaluation.Entry e : entries) {
      b.append(JSON.writeValueAsString(e)).append('\n');
      if (!e.checkpoint().equals(CheckpointEvaluation.START)) {
        Files.createDirectories(run.resolve(e.checkpoint()).resolve("model"));
      }
    }
    Files.createDirectories(run);
    Files.writeString(run.resolve(CheckpointEvaluation.LOG), b.toString());
  }
}
