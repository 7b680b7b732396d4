package io.embedspark.gradcache;

import io.embedspark.loss.MatryoshkaLoss;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Computes one training step's loss and parameter gradients for a contrastive batch: on this
 * machine ({@link GradientCache}) or spread over Spark executors with the same chunks and seeds.
 */
public interface GradientStep {
  /**
   * The loss of a step and the parameter gradients, keyed by graph variable name; the arrays may
   * be reused by the next step.
   */
  record Step(MatryoshkaLoss.Result loss, Map<String, INDArray> gradients) {}

  /** The step for {@code batch}; chunk c of the batch draws its dropout masks from seed + c. */
  Step step(ContrastiveTokens batch, long seed);

  /** Tells the computation which training step comes next, for progress reporting. */
  default void beginStep(long step) {}
}
