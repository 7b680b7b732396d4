package io.embedspark.train;

import java.util.List;
import java.util.Locale;

/**
 * What one step measured; one line of {@code metrics.jsonl}.
 *
 * @param loss the weighted Matryoshka total
 * @param lossPerDim the loss at each Matryoshka dim
 * @param gradNorm global gradient norm before clipping
 * @param residentMb the driver's resident megabytes after the step (null in older logs; in
 *     Spark local mode the executors' too)
 */
public record StepMetrics(long step, double loss, List<Double> lossPerDim, double learningRate,
    double gradNorm, double examplesPerSecond, double tokensPerSecond, double seconds,
    Long residentMb) {

  /** The progress line printed per step. */
  public String progressLine(long totalSteps, List<Integer> dims, double averageSeconds) {
    StringBuilder perDim = new StringBuilder();
    for (int i = 0; i < dims.size(); i++) {
      perDim.append(String.format(Locale.ROOT, " d%d=%.4f", dims.get(i), lossPerDim.get(i)));
    }
    long etaSeconds = Math.round(averageSeconds * (totalSteps - step));
    return String.format(Locale.ROOT,
        "step %d/%d loss %.4f (%s) lr %.2e |g| %.3f %.1f ex/s %.0f tok/s%s ETA %dm%02ds",
        step, totalSteps, loss, perDim.toString().trim(), learningRate, gradNorm,
        examplesPerSecond, tokensPerSecond, memory(), etaSeconds / 60, etaSeconds % 60);
  }

  private String memory() {
    if (residentMb == null || residentMb < 0) {
      return "";
    }
    return String.format(Locale.ROOT, " rss %.1f GB", residentMb / 1024.0);
  }
}
