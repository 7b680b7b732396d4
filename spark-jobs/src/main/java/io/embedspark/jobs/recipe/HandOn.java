package io.embedspark.jobs.recipe;

import io.embedspark.jobs.eval.BestCheckpoint;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The pre-finetune model the recipe's later stages start from, and why: under
 * {@code prefinetune_checkpoint: best} the checkpoint that scored highest on the stage's dev suite
 * ({@link BestCheckpoint}), under {@code last}, or when no checkpoint was scored, the run's final
 * model.
 *
 * @param model the bundle directory to copy
 * @param why one line for the log and the results page
 */
record HandOn(Path model, String why) {

  /** Chooses among the checkpoints of the pre-finetune run {@code preRun} by {@code policy}. */
  static HandOn choose(Path preRun, String policy) {
    Path last = preRun.resolve("model");
    if (policy.equals("last")) {
      return new HandOn(last, "the last (prefinetune_checkpoint = last)");
    }
    Optional<BestCheckpoint.Choice> best = BestCheckpoint.of(preRun);
    return best.map(c -> new HandOn(c.model(), c.describe())).orElseGet(() -> new HandOn(last,
        "the last; no checkpoint was scored on dev (the pre-finetune config has no eval.config)"));
  }

  /** The line {@code <work>/prefinetuned.txt} holds. */
  String note() {
    return model + ": " + why;
  }
}
