package io.embedspark.model.modules;

import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ParameterNames;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dense projection of pooled states to the embedding width, {@code projection.weight}
 * [outputDim, H] and {@code projection.bias}, as sentence-transformers' {@code Dense} with the
 * identity activation. Gemini Embedding (Lee et al. 2025, arXiv 2503.07891) projects the pooled
 * states to the target dimension this way.
 */
public final class Projection implements EncoderModule {
  private static final String NAME = ParameterNames.PROJECTION;
  private final EncoderConfig config;

  public Projection(EncoderConfig config) {
    this.config = config;
  }

  @Override
  public ModuleSpec spec() {
    return new ModuleSpec("dense", null, null, config.hiddenSize(), config.outputDim());
  }

  @Override
  public List<String> parameterNames() {
    return List.of(NAME + ".weight", NAME + ".bias");
  }

  @Override
  public INDArray infer(InferencePass p, INDArray pooled) {
    return Linear.forward(p.weights, NAME, pooled,
        Nd4j.create(p.weights.dtype(), p.n, config.outputDim()));
  }

  @Override
  public INDArray forward(TrainingPass p, INDArray pooled) {
    return Linear.forward(p.weights, NAME, pooled, p.buffer("projected", p.n,
        config.outputDim()));
  }

  @Override
  public INDArray backward(TrainingPass p, Activations io, INDArray dProjected) {
    return Linear.backward(p, NAME, io.input(), dProjected,
        p.buffer("dPooled", p.n, config.hiddenSize()), 0.0);
  }

  @Override
  public SDVariable define(GraphBuilder g, SDVariable pooled) {
    return g.linear(NAME, pooled, config.hiddenSize(), config.outputDim());
  }
}
