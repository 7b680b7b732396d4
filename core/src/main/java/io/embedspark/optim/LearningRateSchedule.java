package io.embedspark.optim;

import io.embedspark.error.InvalidInputException;

/**
 * Linear warmup from 0 to the peak rate over {@code warmupSteps}, then linear decay to
 * {@code finalFraction} of the peak at {@code totalSteps} (as BERT's and most embedding
 * recipes' schedules).
 *
 * @param peak the learning rate after warmup
 * @param warmupSteps steps of linear warmup
 * @param totalSteps the last step
 * @param finalFraction the fraction of the peak left at the last step
 */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps,
    double finalFraction) {

  public LearningRateSchedule {
    if (!(peak > 0) || warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps
        || !(finalFraction >= 0 && finalFraction <= 1)) {
      throw new InvalidInputException("schedule: learningRate = " + peak + " must be positive, "
          + "0 <= warmupSteps = " + warmupSteps + " <= steps = " + totalSteps
          + ", finalFraction = " + finalFraction + " in [0, 1]");
    }
  }

  /** The rate of step {@code step}, counted from 1. */
  public double at(long step) {
    if (step <= warmupSteps) {
      return peak * step / Math.max(1, warmupSteps);
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    return peak * (1 - (1 - finalFraction) * Math.min(1.0, progress));
  }
}
