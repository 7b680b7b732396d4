package io.embedspark.model.modules;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One stage of the encoder. The same module computes the same function three ways: in place for
 * inference ({@link #infer}), keeping activations for training with a hand-derived backward pass
 * ({@link #forward}, {@link #backward}), and as a SameDiff definition ({@link #define}) whose
 * automatic gradients the backward pass is tested against. Modules hold only their config; state
 * lives in the pass objects, so one module serves every thread.
 */
public interface EncoderModule {
  /** The module's entry in a bundle's {@code config.json}. */
  ModuleSpec spec();

  /** The parameter tensors this module owns, named as in {@code ParameterNames}. */
  List<String> parameterNames();

  /** Folds constants into inference weights once, after loading; the default folds nothing. */
  default void prepareInference(Weights weights) {}

  /**
   * The inference pass: may overwrite {@code x}; returns the module's output.
   *
   * @param x the previous module's output; ignored by the first module, which reads the tokens
   */
  INDArray infer(InferencePass pass, INDArray x);

  /** The training forward pass, keeping in {@code pass} what {@link #backward} needs. */
  INDArray forward(TrainingPass pass, INDArray x);

  /**
   * The backward pass: adds this module's parameter gradients to {@code pass} and returns
   * dL/d(input) (null for the first module, whose input is the tokens).
   *
   * @param io the input and output of this module's {@link #forward} on the same chunk
   * @param dOutput dL/d(output); modules may overwrite it
   */
  INDArray backward(TrainingPass pass, Activations io, INDArray dOutput);

  /** Defines the module in a SameDiff graph; returns its output variable. */
  SDVariable define(GraphBuilder graph, SDVariable x);

  /** What a module's forward pass read and wrote, handed back to its backward pass. */
  record Activations(INDArray input, INDArray output) {}
}
