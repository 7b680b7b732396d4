package io.embedspark.train;

import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.optim.AdamW;
import io.embedspark.optim.LearningRateSchedule;
import java.util.List;
import java.util.function.Consumer;

/**
 * How the one training loop ({@link ContrastiveTrainer}) advances the model: one global-batch
 * gradient step at a time, on this machine or across Spark executors ({@link GradientSteps}), or
 * a round of local steps on replicas whose parameters are then averaged (the Spark job's
 * parameter averaging). The loop owns everything else: resuming, the schedule, the divergence
 * check, metrics, progress and checkpoints.
 */
public interface TrainingStrategy {
  /** What the loop hands a strategy once, before the first round. */
  record Context(TrainerConfig config, TrainableEncoder encoder, AdamW optimizer,
      ContrastiveBatcher batcher, BatchSource batches, LearningRateSchedule schedule,
      Consumer<String> progress) {}

  /**
   * What a round did: steps {@code firstStep..lastStep}, its (average) loss and gradient norm,
   * the learning rate of its last step, and the examples and real tokens it processed.
   *
   * @param averaged whether loss and norm are averages over replicas and local steps
   * @param batches the round's batches as a divergence message names them
   */
  record Round(long firstStep, long lastStep, double loss, List<Double> lossPerDim,
      double gradNorm, double learningRate, long examples, long tokens, boolean averaged,
      String batches) {

    public boolean finite() {
      return Double.isFinite(loss) && Double.isFinite(gradNorm);
    }

    /** What a diverged round reports: the loss, the norm, the rate and the batches. */
    public String divergence() {
      String loss = !averaged ? "loss " + this.loss
          : "average loss " + this.loss + " over local steps " + firstStep + "-" + lastStep;
      return String.format(java.util.Locale.ROOT, "step %d: %s, gradient norm %s at learning "
          + "rate %.3e; %s", lastStep, loss, gradNorm, learningRate, batches);
    }
  }

  /** Prepares the strategy for a run. */
  void start(Context context);

  /**
   * Advances from step {@code done + 1}, at most to step {@code end}, applying the optimiser;
   * returns what the round did. The loop checks the round is finite before it checkpoints.
   */
  Round advance(long done, long end);

  /** The origin recorded in checkpoints' provenance, e.g. {@code train:single-machine}. */
  String origin();

  /**
   * A setting beyond {@link TrainerConfig} that a resumed run must share, as {key, value}, or
   * none ({@link RunIdentity}).
   */
  default String[] identity() {
    return new String[] {null, null};
  }
}
