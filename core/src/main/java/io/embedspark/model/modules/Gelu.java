package io.embedspark.model.modules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/** The exact GELU, x Phi(x) (Hendrycks and Gimpel 2016, arXiv 1606.08415), in place. */
final class Gelu {
  private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  private Gelu() {}

  /**
   * Twice the GELU in place, x (1 + erf(x / sqrt 2)), for inference, whose next kernel holds the
   * factor 1/2. {@code tmp} is scratch.
   */
  static void doubled(INDArray x, INDArray tmp) {
    Nd4j.exec(new ScalarMultiplication(x, null, tmp, INV_SQRT2));
    Nd4j.exec(new Erf(tmp, tmp));
    x.muli(tmp.addi(1.0));
  }

  /** Phi(u) = (1 + erf(u / sqrt 2)) / 2 into {@code cdf}. */
  static void cdf(INDArray u, INDArray cdf) {
    Nd4j.exec(new ScalarMultiplication(u, null, cdf, INV_SQRT2));
    Nd4j.exec(new Erf(cdf, cdf));
    cdf.addi(1.0).muli(0.5);
  }

  /** GELU'(u) = Phi(u) + u phi(u) into {@code out}, given Phi(u). */
  static INDArray derivative(INDArray u, INDArray cdf, INDArray out) {
    Nd4j.exec(new MulOp(u, u, out));
    Nd4j.exec(new Exp(out.muli(-0.5), out));
    return out.muli(INV_SQRT_2PI).muli(u).addi(cdf);
  }
}
