package io.embedspark.optim;

import io.embedspark.error.InvalidInputException;
import io.embedspark.model.ScratchBuffers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019, arXiv 1711.05101), as PyTorch's
 * {@code torch.optim.AdamW}: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * theta -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + lr wd theta (decay applied first).
 * Biases and layer-norm parameters take no weight decay. Updates parameters in place; the moment
 * estimates are the optimiser state a checkpoint saves.
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final Map<String, INDArray> m = new LinkedHashMap<>();
  private final Map<String, INDArray> v = new LinkedHashMap<>();
  private long step;
  private ScratchBuffers work;

  public AdamW(double beta1, double beta2, double eps, double weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)
        || !(weightDecay >= 0)) {
      throw new InvalidInputException("optimizer: beta1 = " + beta1 + ", beta2 = " + beta2
          + " must be in [0, 1), eps = " + eps + " positive, weightDecay = " + weightDecay
          + " non-negative");
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** Whether a parameter takes weight decay: not biases, not layer-norm gains. */
  public static boolean decays(String name) {
    return !name.endsWith(".bias") && !name.contains("LayerNorm");
  }

  /**
   * One update of every parameter that has a gradient, in place: besides the moments, the only
   * memory it uses is one scratch array of the largest parameter's size, kept between steps (a
   * temporary per operation would be several copies of the model per step).
   *
   * @param parameters resolves a parameter name to its array, updated in place
   * @param gradients dL/dtheta by parameter name
   * @param lr the learning rate of this step
   */
  public void update(Function<String, INDArray> parameters, Map<String, INDArray> gradients,
      double lr) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = 1 - Math.pow(beta2, step);
    for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
      String name = e.getKey();
      INDArray theta = parameters.apply(name);
      INDArray g = e.getValue().dataType() == theta.dataType() ? e.getValue()
          : e.getValue().castTo(theta.dataType());
      INDArray mt = m.computeIfAbsent(name, k -> theta.ulike().assign(0));
      INDArray vt = v.computeIfAbsent(name, k -> theta.ulike().assign(0));
      INDArray work = scratch(theta);
      // m = b1 m + (1 - b1) g
      mt.muli(beta1);
      work.assign(g).muli(1 - beta1);
      mt.addi(work);
      // v = b2 v + (1 - b2) g^2
      vt.muli(beta2);
      Nd4j.exec(new MulOp(g, g, work));
      vt.addi(work.muli(1 - beta2));
      if (weightDecay > 0 && decays(name)) {
        theta.muli(1 - lr * weightDecay);
      }
      // theta -= (lr / c1) m / (sqrt(v / c2) + eps)
      work.assign(vt).divi(correction2);
      Nd4j.exec(new Sqrt(work, work));
      work.addi(eps).rdivi(mt).muli(lr / correction1);
      theta.subi(work);
    }
  }

  /** A scratch array of the shape of {@code like}, over one buffer that grows as needed. */
  private INDArray scratch(INDArray like) {
    if (work == null || work.dtype() != like.dataType()) {
      work = new ScratchBuffers(like.dataType());
    }
    return work.get("adamw", like.shape());
  }

  /** Steps taken so far. */
  public long step() {
    return step;
  }

  /** First and second moments by parameter name, for checkpoints. */
  public Map<String, INDArray> firstMoments() {
    return m;
  }

  public Map<String, INDArray> secondMoments() {
    return v;
  }

  /** Restores state saved from {@link #step()}, {@link #firstMoments()}, {@link #secondMoments()}. */
  public void restore(long savedStep, Map<String, INDArray> first, Map<String, INDArray> second) {
    step = savedStep;
    m.clear();
    m.putAll(first);
    v.clear();
    v.putAll(second);
  }
}
