package io.embedspark.jobs.recipe;

import static io.embedspark.jobs.eval.EvalLogs.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embedspark.jobs.eval.EvalLogs;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which pre-finetune model the recipe hands on under each {@code prefinetune_checkpoint}: the
 * branches {@code RecipeJobIT}'s one run (best, with a dev suite) does not take.
 */
class HandOnTest {
  private static final String KEY = "dev/ndcg@10/d8";

  @Test
  void bestIsTheDevPeakAndLastIsTheFinalModelOfTheSameRun(@TempDir Path run) throws IOException {
    EvalLogs.write(run, entry(0, "start", KEY, 0.30), entry(1, "step-00000001", KEY, 0.42),
        entry(2, "step-00000002", KEY, 0.40));

    HandOn best = HandOn.choose(run, "best");
    assertEquals(run.resolve("step-00000001/model"), best.model(), "the dev peak");
    assertEquals(run.resolve("step-00000001/model") + ": step-00000001 scored best on dev of 2 "
        + "checkpoints: " + KEY + " = 0.4200; the last, step-00000002, 0.4000", best.note());

    HandOn last = HandOn.choose(run, "last");
    assertEquals(run.resolve("model"), last.model(), "last ignores the dev scores");
    assertEquals("the last (prefinetune_checkpoint = last)", last.why());
  }

  @Test
  void bestWithoutAScoredCheckpointIsTheFinalModel(@TempDir Path run) throws IOException {
    HandOn none = HandOn.choose(run, "best");
    assertEquals(run.resolve("model"), none.model(), "no eval.jsonl: no dev suite");
    assertEquals("the last; no checkpoint was scored on dev (the pre-finetune config has no "
        + "eval.config)", none.why());

    EvalLogs.write(run, entry(0, "start", KEY, 0.30));
    assertEquals(run.resolve("model"), HandOn.choose(run, "best").model(),
        "only the start was scored");
  }
}
