package io.embedspark.model.modules;

import io.embedspark.model.ScratchBuffers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A linear layer y = x K + b on native buffers, forward and backward. */
final class Linear {
  private Linear() {}

  /** y = x K + b into {@code out}, with K = {@code <name>.kernel} [in, out]. */
  static INDArray forward(Weights w, String name, INDArray x, INDArray out) {
    Nd4j.gemm(x, w.get(name + ".kernel"), out, false, false, 1.0, 0.0);
    return out.addiRowVector(w.get(name + ".bias"));
  }

  /**
   * Adds dK = x^T dy and db = column sums of dy to the pass's gradients and writes dL/dx = dy K^T
   * into {@code dx}, added to {@code beta} times what {@code dx} holds.
   */
  static INDArray backward(TrainingPass p, String name, INDArray x, INDArray dy, INDArray dx,
      double beta) {
    Nd4j.gemm(x, dy, p.gradient(name + ".kernel"), true, false, 1.0, 1.0);
    addColumnSums(p.buffers, dy, p.gradient(name + ".bias"));
    Nd4j.gemm(dy, p.weights.get(name + ".kernel"), dx, false, true, 1.0, beta);
    return dx;
  }

  /**
   * Adds the column sums of {@code x} [R, C] to {@code target} [C] as a product with a row of
   * ones: ND4J's reduction along dimension 0 of a row-major array is many times slower.
   */
  static void addColumnSums(ScratchBuffers buffers, INDArray x, INDArray target) {
    INDArray ones = buffers.get("ones", 1, x.rows());
    ones.assign(1.0);
    Nd4j.gemm(ones, x, target.reshape(1, target.length()), false, false, 1.0, 1.0);
  }
}
