package io.embedspark.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint a run hands on is the one its {@code eval.jsonl} scores highest, among those on
 * disk, never the start and never a non-finite score.
 */
class BestCheckpointTest {
  private static final String KEY = "dev/ndcg@10/d16";

  @Test
  void thePeakNotTheLastStep(@TempDir Path run) throws IOException {
    log(run, entry(0, "start", 0.9), entry(64, "step-64", 0.80), entry(128, "step-128", 0.86),
        entry(192, "step-192", 0.84));
    BestCheckpoint.Choice c = BestCheckpoint.of(run).orElseThrow();
    assertEquals(run.resolve("step-128/model"), c.model(), "the peak; the start scored higher "
        + "but is not a candidate");
    assertEquals(3, c.candidates());
    assertEquals("step-128 scored best on dev of 3 checkpoints: " + KEY + " = 0.8600; the last, "
        + "step-192, 0.8400", c.describe());

    Files.delete(run.resolve("step-128/model"));
    assertEquals(run.resolve("step-192/model"), BestCheckpoint.of(run).orElseThrow().model(),
        "a checkpoint no longer on disk does not compete");
  }

  @Test
  void theLastWhenItIsTheBestAndTheLaterOfEqualScores(@TempDir Path run) throws IOException {
    log(run, entry(1, "step-1", 0.5), entry(2, "step-2", 0.7), entry(3, "step-3", 0.7));
    BestCheckpoint.Choice c = BestCheckpoint.of(run).orElseThrow();
    assertEquals(run.resolve("step-3/model"), c.model());
    assertTrue(c.describe().endsWith("= 0.7000 (the last)"), c.describe());
  }

  @Test
  void aNonFiniteScoreNeverWins(@TempDir Path run) throws IOException {
    log(run, entry(1, "step-1", 0.5), entry(2, "step-2", Double.NaN),
        entry(3, "step-3", Double.POSITIVE_INFINITY));
    assertEquals(run.resolve("step-1/model"), BestCheckpoint.of(run).orElseThrow().model());
  }

  @Test
  void nothingWhenNoCheckpointWasScored(@TempDir Path run) throws IOException {
    assertTrue(BestCheckpoint.of(run).isEmpty(), "no eval.jsonl");
    log(run, entry(0, "start", 0.5));
    assertTrue(BestCheckpoint.of(run).isEmpty(), "only the start");
  }

  private static CheckpointEvaluation.Entry entry(long step, String name, double value) {
    return EvalLogs.entry(step, name, KEY, value);
  }

  private static void log(Path run, CheckpointEvaluation.Entry... entries) throws IOException {
    EvalLogs.write(run, entries);
  }
}
