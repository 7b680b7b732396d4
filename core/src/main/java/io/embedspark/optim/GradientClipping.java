package io.embedspark.optim;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Clipping by global norm (Pascanu et al. 2013, arXiv 1211.5063), as PyTorch's
 * {@code clip_grad_norm_}: when the L2 norm over all gradients exceeds {@code maxNorm}, every
 * gradient is scaled by maxNorm / (norm + 1e-6).
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** The global L2 norm of the gradients. */
  public static double globalNorm(Map<String, INDArray> gradients) {
    double sq = 0;
    for (INDArray g : gradients.values()) {
      double n = g.norm2Number().doubleValue();
      sq += n * n;
    }
    return Math.sqrt(sq);
  }

  /** Scales the gradients in place if needed and returns the norm before clipping. */
  public static double clip(Map<String, INDArray> gradients, double maxNorm) {
    double norm = globalNorm(gradients);
    if (maxNorm > 0 && norm > maxNorm) {
      double scale = maxNorm / (norm + 1e-6);
      for (INDArray g : gradients.values()) {
        g.muli(scale);
      }
    }
    return norm;
  }
}
