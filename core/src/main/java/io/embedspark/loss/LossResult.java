package io.embedspark.loss;

/**
 * A loss value with its gradient with respect to every embedding of the batch.
 *
 * @param loss the scalar loss
 * @param gradQueries dL/dq, [B][D]
 * @param gradPositives dL/dp+, [B][D]
 * @param gradNegatives dL/dp-, [B][k_i][D]
 */
public record LossResult(double loss, double[][] gradQueries, double[][] gradPositives,
    double[][][] gradNegatives) {

  /** Whether the loss and every gradient are finite. */
  public boolean isFinite() {
    return Double.isFinite(loss) && finite(gradQueries) && finite(gradPositives)
        && java.util.Arrays.stream(gradNegatives).allMatch(LossResult::finite);
  }

  private static boolean finite(double[][] rows) {
    for (double[] r : rows) {
      for (double v : r) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }
}
