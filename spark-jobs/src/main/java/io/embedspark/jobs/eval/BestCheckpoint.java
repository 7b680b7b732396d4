package io.embedspark.jobs.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checkpoint of a training run that scored highest on its dev suite, read from the run's
 * {@value CheckpointEvaluation#LOG} ({@link CheckpointEvaluation}): early stopping by a held-out
 * metric (Prechelt 1998, "Early Stopping - But When?"), chosen after the run instead of by
 * stopping it. A long pre-finetune can fit its pairs past the point where dev quality peaks
 * (docs/QUALITY.md, "Training at 256 tokens"), so the stage after it should start from the peak,
 * not from the last step.
 *
 * <p>Only checkpoints still on disk compete, ranked by the metric of the last one (a resumed run
 * may have changed {@code eval.metric}); a non-finite score never wins. The model training
 * started from is a reference, not a candidate. Of equal scores the later checkpoint wins.
 */
public final class BestCheckpoint {
  private BestCheckpoint() {}

  /**
   * @param model the chosen checkpoint's bundle directory
   * @param best its dev entry
   * @param last the run's last evaluated checkpoint, for the log
   * @param candidates how many checkpoints competed
   */
  public record Choice(Path model, CheckpointEvaluation.Entry best,
      CheckpointEvaluation.Entry last, int candidates) {

    /** One line saying which checkpoint was chosen, by what, and what the last one scored. */
    public String describe() {
      String line = String.format(Locale.ROOT, "%s scored best on dev of %d checkpoints: %s = %.4f",
          best.checkpoint(), candidates, best.metric(), best.value());
      return best.equals(last) ? line + " (the last)"
          : line + String.format(Locale.ROOT, "; the last, %s, %.4f", last.checkpoint(),
              last.value());
    }
  }

  /**
   * The best checkpoint of {@code run} by the metric its checkpoints were ranked by; empty when
   * none was evaluated (no {@code eval.config}), none is still on disk or none scored a finite
   * number.
   */
  public static Optional<Choice> of(Path run) {
    List<CheckpointEvaluation.Entry> scored = CheckpointEvaluation.read(run).stream()
        .filter(e -> !e.checkpoint().equals(CheckpointEvaluation.START))
        .filter(e -> Files.isDirectory(model(run, e)))
        .toList();
    if (scored.isEmpty()) {
      return Optional.empty();
    }
    String metric = scored.get(scored.size() - 1).metric();
    CheckpointEvaluation.Entry best = scored.stream()
        .filter(e -> e.metric().equals(metric) && Double.isFinite(e.value()))
        .max(Comparator.comparingDouble(CheckpointEvaluation.Entry::value)
            .thenComparingLong(CheckpointEvaluation.Entry::step))
        .orElse(null);
    if (best == null) {
      return Optional.empty();
    }
    return Optional.of(new Choice(model(run, best), best, scored.get(scored.size() - 1),
        scored.size()));
  }

  private static Path model(Path run, CheckpointEvaluation.Entry e) {
    return run.resolve(e.checkpoint()).resolve("model");
  }
}
