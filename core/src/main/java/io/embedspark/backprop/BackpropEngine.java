package io.embedspark.backprop;

import io.embedspark.model.EncoderConfig;
import org.nd4j.linalg.api.buffer.DataType;

/** Which implementation of {@link TrainableEncoder} computes gradients. */
public enum BackpropEngine {
  /** The hand-derived backward pass on reused buffers ({@link ManualBackprop}); the default. */
  MANUAL,
  /** SameDiff's automatic differentiation ({@link TrainingGraph}); the slower reference. */
  SAMEDIFF;

  public TrainableEncoder create(EncoderConfig config, DataType dtype, boolean dropout) {
    return this == MANUAL ? new ManualBackprop(config, dtype, dropout)
        : new TrainingGraph(config, dtype, dropout);
  }
}
