package io.embedspark.jobs.recipe;

import java.util.OptionalDouble;

/**
 * The recipe's estimate of how long its remaining stages take. A stage's work is counted in
 * encoder passes over one text: an embedded text is one, a trained sequence four (the gradient
 * cache's forward without gradients, the forward with them, and a backward of about two
 * forwards). Each pass is priced at the seconds per pass the stages timed so far took, so the
 * estimate corrects itself as the run goes and includes Spark's and the checkpoints' overheads.
 * Texts differ in length and embedding runs on another engine than training, so it is an
 * estimate: right to a few tens of percent, not a schedule.
 */
final class RecipeClock {
  /** Encoder passes of one trained sequence. */
  static final double PASSES_PER_TRAINED_SEQUENCE = 4;

  private double timedPasses;
  private double timedSeconds;

  /** Records a stage that did {@code passes} passes in {@code seconds}. */
  void timed(double passes, double seconds) {
    if (passes > 0 && seconds > 0) {
      timedPasses += passes;
      timedSeconds += seconds;
    }
  }

  /** Seconds for {@code passes} more passes; empty before any stage was timed. */
  OptionalDouble secondsFor(double passes) {
    return timedPasses == 0 ? OptionalDouble.empty()
        : OptionalDouble.of(passes * timedSeconds / timedPasses);
  }
}
