package io.embedspark.model.modules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer norm over rows (Ba et al. 2016, arXiv 1607.06450) with eps inside the square root, as
 * BERT: inference in place, and a training forward pass that keeps the normalised input and the
 * inverse standard deviations for its backward pass.
 */
final class LayerNorm {
  private LayerNorm() {}

  /** Normalises the rows of x in place, then gain and bias; {@code tmp} is scratch. */
  static void infer(Weights w, String name, double eps, INDArray x, INDArray tmp) {
    x.subiColumnVector(x.mean(true, 1));
    Nd4j.exec(new MulOp(x, x, tmp));
    INDArray inverseStd = Transforms.pow(tmp.mean(true, 1).addi(eps), -0.5, false);
    x.muliColumnVector(inverseStd).muliRowVector(w.get(name + ".weight"))
        .addiRowVector(w.get(name + ".bias"));
  }

  /** The buffer holding a norm's input on entry to {@link #forward}, its xhat afterwards. */
  static INDArray input(TrainingPass p, String prefix) {
    return p.buffer(prefix + ".xhat", p.rows, p.config.hiddenSize());
  }

  /**
   * The buffer {@code <prefix>.xhat} holds the input on entry and the normalised input on
   * return; {@code out} receives gain * xhat + bias.
   */
  static void forward(TrainingPass p, String prefix, String name, INDArray out) {
    INDArray xhat = input(p, prefix);
    xhat.subiColumnVector(xhat.mean(true, 1));
    INDArray sq = p.buffer("tmp", p.rows, p.config.hiddenSize());
    Nd4j.exec(new MulOp(xhat, xhat, sq));
    INDArray inverseStd = p.buffer(prefix + ".istd", p.rows, 1);
    inverseStd.assign(Transforms.pow(sq.mean(true, 1).addi(p.config.layerNormEps()), -0.5,
        false));
    xhat.muliColumnVector(inverseStd);
    out.assign(xhat).muliRowVector(p.weights.get(name + ".weight"))
        .addiRowVector(p.weights.get(name + ".bias"));
  }

  /**
   * Adds the gain and bias gradients and writes dL/dx into {@code dx} (which may be {@code dy}),
   * dx = istd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gain.
   */
  static INDArray backward(TrainingPass p, String prefix, String name, INDArray dy,
      INDArray dx) {
    INDArray xhat = input(p, prefix);
    INDArray inverseStd = p.buffer(prefix + ".istd", p.rows, 1);
    INDArray tmp = p.buffer("tmp", p.rows, p.config.hiddenSize());
    Nd4j.exec(new MulOp(dy, xhat, tmp));
    Linear.addColumnSums(p.buffers, tmp, p.gradient(name + ".weight"));
    Linear.addColumnSums(p.buffers, dy, p.gradient(name + ".bias"));
    if (dx != dy) {
      dx.assign(dy);
    }
    dx.muliRowVector(p.weights.get(name + ".weight"));
    INDArray mean = dx.mean(true, 1);
    Nd4j.exec(new MulOp(dx, xhat, tmp));
    INDArray meanTimesXhat = tmp.mean(true, 1);
    dx.subiColumnVector(mean);
    tmp.assign(xhat).muliColumnVector(meanTimesXhat);
    return dx.subi(tmp).muliColumnVector(inverseStd);
  }
}
