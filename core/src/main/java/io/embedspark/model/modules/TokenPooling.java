package io.embedspark.model.modules;

import io.embedspark.model.EncoderConfig;
import io.embedspark.model.Pooling;
import java.util.List;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Token states [N*T, H] to one vector per sequence [N, H] (Reimers and Gurevych 2019, arXiv
 * 1908.10084): the masked mean over real tokens (Gemini Embedding, Lee et al. 2025, arXiv
 * 2503.07891, the default) or the first token's state (BGE, Xiao et al. 2023, arXiv 2309.07597).
 */
public final class TokenPooling implements EncoderModule {
  private final EncoderConfig config;
  private final Pooling mode;

  public TokenPooling(EncoderConfig config) {
    this.config = config;
    this.mode = config.pooling();
  }

  @Override
  public ModuleSpec spec() {
    return new ModuleSpec("pooling", null, mode.key(), null, null);
  }

  @Override
  public List<String> parameterNames() {
    return List.of();
  }

  @Override
  public INDArray infer(InferencePass p, INDArray x) {
    if (mode == Pooling.CLS) {
      return first(x.reshape(p.n, p.t, config.hiddenSize())).dup('c');
    }
    if (p.padded()) {
      x.muliColumnVector(p.mask);
    }
    INDArray lengths = p.mask.reshape(p.n, p.t).sum(true, 1);
    return x.reshape(p.n, p.t, config.hiddenSize()).sum(1).diviColumnVector(lengths);
  }

  @Override
  public INDArray forward(TrainingPass p, INDArray x) {
    int h = config.hiddenSize();
    INDArray pooled = p.buffer("pooled", p.n, h);
    if (mode == Pooling.CLS) {
      pooled.assign(first(x.reshape(p.n, p.t, h)));
      return pooled;
    }
    INDArray masked = p.buffer("tmp", p.rows, h);
    masked.assign(x).muliColumnVector(p.mask);
    pooled.assign(masked.reshape(p.n, p.t, h).sum(1).diviColumnVector(p.lengths));
    return pooled;
  }

  @Override
  public INDArray backward(TrainingPass p, Activations io, INDArray dPooled) {
    int h = config.hiddenSize();
    INDArray dh = p.buffer("dh", p.rows, h);
    dh.assign(0.0);
    if (mode == Pooling.CLS) {
      first(dh.reshape(p.n, p.t, h)).assign(dPooled);
      return dh;
    }
    // Every real token of a row gets dPooled / length.
    dh.reshape(p.n, p.t, h).addi(dPooled.diviColumnVector(p.lengths).reshape(p.n, 1, h));
    dh.muliColumnVector(p.mask);
    return dh;
  }

  /** The first token's rows of [N, T, H] states, a [N, H] view. */
  private static INDArray first(INDArray states) {
    return states.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all());
  }

  @Override
  public SDVariable define(GraphBuilder g, SDVariable x) {
    SDVariable states = g.perSequence(x, config.hiddenSize());
    if (mode == Pooling.CLS) {
      return states.get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
    }
    SDVariable summed = states.mul(g.sd.expandDims(g.mask, 2)).sum(1);
    return summed.div(g.mask.sum(true, 1));
  }
}
