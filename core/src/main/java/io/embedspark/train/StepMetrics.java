package io.embedspark.train;

import java.util.List;
import java.util.Locale;

/**
 * What one step measured; one line of {@code metrics.jsonl}.
 *
 * @param loss the weighted Matryoshka total
 * @param lossPerDim the loss at each Matryoshka dim
 * @param gradNorm global gradient norm before clipping
 */
public record StepMetrics(long step, double loss, List<Double> lossPerDim, double learningRate,
    double gradNorm, double examplesPerSecond, double tokensPerSecond, double seconds) {

  /** The progress line printed per step. */
  public String progressLine(long totalSteps, List<Integer> dims, double averageSeconds) {
    StringBuilder perDim = new StringBuilder();
    for (int i = 0; i < dims.size(); i++) {
      perDim.append(String.format(Locale.ROOT, " d%d=%.4f", dims.get(i), lossPerDim.get(i)));
    }
    long etaSeconds = Math.round(averageSeconds * (totalSteps - step));
    return String.format(Locale.ROOT,
        "step %d/%d loss %.4f (%s) lr %.2e |g| %.3f %.1f ex/s %.0f tok/s ETA %dm%02ds",
        step, totalSteps, loss, perDim.toString().trim(), learningRate, gradNorm,
        examplesPerSecond, tokensPerSecond, etaSeconds / 60, etaSeconds % 60);
  }
}
