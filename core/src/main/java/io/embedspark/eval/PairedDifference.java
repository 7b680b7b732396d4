package io.embedspark.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The paired difference of a per-query metric between two models scored on the same queries:
 * the mean of a_q - b_q over the queries both were scored on, its 95% confidence interval and the
 * two-sided p-value of the paired t-test ("Student" 1908, "The probable error of a mean";
 * {@code scipy.stats.ttest_rel}). It tells whether a gap between two models is larger than what
 * drawing another set of queries would move; it says nothing about what another training seed
 * would give.
 *
 * @param queries queries scored by both models
 * @param mean mean of a_q - b_q
 * @param low lower end of the 95% confidence interval of the mean
 * @param high upper end
 * @param pValue two-sided p-value of "the mean difference is 0"
 */
public record PairedDifference(int queries, double mean, double low, double high,
    double pValue) {

  /**
   * @param a model a's value per query id
   * @param b model b's value per query id
   * @return empty when fewer than two queries are in both
   */
  public static Optional<PairedDifference> of(Map<String, Double> a, Map<String, Double> b) {
    List<Double> differences = new ArrayList<>();
    a.forEach((query, value) -> {
      Double other = b.get(query);
      if (other != null) {
        differences.add(value - other);
      }
    });
    int n = differences.size();
    if (n < 2) {
      return Optional.empty();
    }
    double mean = differences.stream().mapToDouble(Double::doubleValue).sum() / n;
    double squares = differences.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum();
    double standardError = Math.sqrt(squares / (n - 1) / n);
    if (standardError == 0) {
      return Optional.of(new PairedDifference(n, mean, mean, mean, mean == 0 ? 1.0 : 0.0));
    }
    TDistribution t = new TDistribution(null, n - 1);
    double half = t.inverseCumulativeProbability(0.975) * standardError;
    double p = 2 * t.cumulativeProbability(-Math.abs(mean / standardError));
    return Optional.of(new PairedDifference(n, mean, mean - half, mean + half, p));
  }
}
