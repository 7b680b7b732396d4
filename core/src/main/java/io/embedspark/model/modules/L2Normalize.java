package io.embedspark.model.modules;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Scales each embedding to unit length, y = x / sqrt(|x|^2 + 1e-24), in place, as Gemini
 * Embedding (Lee et al. 2025, arXiv 2503.07891) and sentence-transformers' {@code Normalize}; the
 * cosine similarity of two outputs is then their dot product.
 */
public final class L2Normalize implements EncoderModule {
  private static final double NORM_EPS = 1e-24;

  @Override
  public ModuleSpec spec() {
    return ModuleSpec.of("normalize");
  }

  @Override
  public List<String> parameterNames() {
    return List.of();
  }

  @Override
  public INDArray infer(InferencePass p, INDArray x) {
    INDArray sq = x.mul(x).sum(true, 1).addi(NORM_EPS);
    return x.muliColumnVector(Transforms.pow(sq, -0.5, false));
  }

  @Override
  public INDArray forward(TrainingPass p, INDArray x) {
    INDArray inverseNorm = p.buffer("inverseNorm", p.n, 1);
    inverseNorm.assign(Transforms.pow(x.mul(x).sum(true, 1).addi(NORM_EPS), -0.5, false));
    return x.muliColumnVector(inverseNorm);
  }

  /** dx = (dy - y (dy . y)) / |x|, with y the output (the input normalised in place). */
  @Override
  public INDArray backward(TrainingPass p, Activations io, INDArray dy) {
    INDArray y = io.output();
    INDArray dot = dy.mul(y).sum(true, 1);
    return dy.sub(y.mulColumnVector(dot)).muliColumnVector(p.buffer("inverseNorm", p.n, 1));
  }

  /** x * rsqrt(sum(x^2) + eps): exact gradients for any batch size (see DL4J notes). */
  @Override
  public SDVariable define(GraphBuilder g, SDVariable x) {
    SDVariable sq = x.mul(x).sum(true, 1).add(NORM_EPS);
    return x.mul(g.sd.math.rsqrt(sq));
  }
}
