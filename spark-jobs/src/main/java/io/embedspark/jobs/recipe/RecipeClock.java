package io.embedspark.jobs.recipe;

import java.util.OptionalDouble;

/**
 * The recipe's estimate of how long its remaining stages take. A stage's work is counted as
 * sequences trained (queries, positives and negatives of its steps) and texts embedded (mining,
 * dev and test suites), each priced at the seconds per unit the stages timed so far took: a
 * training stage without evaluations times the first, a mining or evaluation stage the second.
 * Until an embedding stage was timed, a text embedded is priced at an eighth of a sequence
 * trained: in the recipe's run of docs/QUALITY.md a trained sequence took 0.047 s (gradient
 * cache across executors, ND4J) and an embedded text 0.0044-0.0072 s (ONNX Runtime, with the
 * search and the metrics of the stage). The estimate includes Spark's and the checkpoints'
 * overheads and corrects itself as the run goes; texts differ in length, so it is right to a few
 * tens of percent, not a schedule.
 */
final class RecipeClock {
  /** Sequences trained and texts embedded by a stage. */
  record Work(double trainedSequences, double embeddedTexts) {
    static final Work NONE = new Work(0, 0);

    Work plus(Work o) {
      return new Work(trainedSequences + o.trainedSequences, embeddedTexts + o.embeddedTexts);
    }
  }

  /** A sequence trained costs about this many texts embedded, until both were timed. */
  static final double TRAINED_OVER_EMBEDDED = 8;

  private double trained;
  private double trainSeconds;
  private double embedded;
  private double embedSeconds;

  /**
   * Records a stage that did {@code w} in {@code seconds}; a stage that both trains and embeds
   * (training with dev evaluations) is not used, as it cannot tell the two rates apart.
   */
  void timed(Work w, double seconds) {
    if (seconds <= 0) {
      return;
    }
    if (w.trainedSequences() > 0 && w.embeddedTexts() == 0) {
      trained += w.trainedSequences();
      trainSeconds += seconds;
    } else if (w.embeddedTexts() > 0 && w.trainedSequences() == 0) {
      embedded += w.embeddedTexts();
      embedSeconds += seconds;
    }
  }

  /** Seconds for {@code w}; empty until the stages timed so far can price each of its kinds. */
  OptionalDouble secondsFor(Work w) {
    OptionalDouble perSequence = trained == 0 ? OptionalDouble.empty()
        : OptionalDouble.of(trainSeconds / trained);
    OptionalDouble perText = embedded > 0 ? OptionalDouble.of(embedSeconds / embedded)
        : perSequence.isPresent()
            ? OptionalDouble.of(perSequence.getAsDouble() / TRAINED_OVER_EMBEDDED)
            : OptionalDouble.empty();
    if (w.trainedSequences() > 0 && perSequence.isEmpty()
        || w.embeddedTexts() > 0 && perText.isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(w.trainedSequences() * perSequence.orElse(0)
        + w.embeddedTexts() * perText.orElse(0));
  }
}
