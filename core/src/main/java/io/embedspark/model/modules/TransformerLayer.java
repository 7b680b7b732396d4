package io.embedspark.model.modules;

import static io.embedspark.model.ParameterNames.attentionLayerNorm;
import static io.embedspark.model.ParameterNames.attentionOutput;
import static io.embedspark.model.ParameterNames.intermediate;
import static io.embedspark.model.ParameterNames.key;
import static io.embedspark.model.ParameterNames.output;
import static io.embedspark.model.ParameterNames.outputLayerNorm;
import static io.embedspark.model.ParameterNames.query;
import static io.embedspark.model.ParameterNames.value;

import io.embedspark.model.DropoutSites;
import io.embedspark.model.EncoderConfig;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One post-layer-norm BERT transformer layer (Devlin et al. 2019, arXiv 1810.04805; Vaswani et
 * al. 2017, arXiv 1706.03762): multi-head self-attention with a padding mask, residual and layer
 * norm, then an exact-erf GELU feed-forward block, residual and layer norm; dropout after the
 * attention probabilities, the attention output and the feed-forward output. Rows [N*T, H] in
 * and out.
 *
 * <p>Inference folds two constants into the weights at load, each saving a pass over a large
 * array: the attention scale 1/sqrt(headSize) into the query projection, and GELU's factor 1/2
 * into the feed-forward output kernel. The training forward pass keeps what the backward pass
 * needs (input, Q, K, V, attention probabilities, merged context, normalised activations and
 * inverse standard deviations, the feed-forward pre-activation) in buffers named per layer;
 * GELU's normal CDF and output and the probabilities after dropout are recomputed instead.
 */
public final class TransformerLayer implements EncoderModule {
  private final EncoderConfig config;
  private final int index;
  private final double scale;
  /** Buffer-name prefix of this layer's kept activations. */
  private final String l;

  public TransformerLayer(EncoderConfig config, int index) {
    this.config = config;
    this.index = index;
    this.scale = 1.0 / Math.sqrt(config.headSize());
    this.l = "l" + index + ".";
  }

  @Override
  public ModuleSpec spec() {
    return new ModuleSpec("transformer_layer", index, null, null, null);
  }

  @Override
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>();
    for (String p : List.of(query(index), key(index), value(index), attentionOutput(index),
        attentionLayerNorm(index), intermediate(index), output(index), outputLayerNorm(index))) {
      names.add(p + ".weight");
      names.add(p + ".bias");
    }
    return names;
  }

  @Override
  public void prepareInference(Weights w) {
    w.get(query(index) + ".kernel").muli(scale);
    w.get(query(index) + ".bias").muli(scale);
    w.get(output(index) + ".kernel").muli(0.5);
  }

  // ---- inference ----

  @Override
  public INDArray infer(InferencePass p, INDArray x) {
    long rows = p.rows;
    int h = config.hiddenSize();
    INDArray tmp = p.buffer("tmp", rows, h);
    INDArray context = inferAttention(p, x);
    Linear.forward(p.weights, attentionOutput(index), context, tmp);
    x.addi(tmp);
    LayerNorm.infer(p.weights, attentionLayerNorm(index), config.layerNormEps(), x, tmp);
    INDArray inter = Linear.forward(p.weights, intermediate(index), x,
        p.buffer("inter", rows, config.intermediateSize()));
    Gelu.doubled(inter, p.buffer("inter2", rows, config.intermediateSize()));
    Linear.forward(p.weights, output(index), inter, tmp);
    x.addi(tmp);
    LayerNorm.infer(p.weights, outputLayerNorm(index), config.layerNormEps(), x, tmp);
    return x;
  }

  /** Scaled dot-product self-attention; returns the merged context [N*T, H]. */
  private INDArray inferAttention(InferencePass p, INDArray x) {
    int h = config.hiddenSize();
    int heads = config.numHeads();
    long rows = p.rows;
    INDArray q = heads(Linear.forward(p.weights, query(index), x, p.buffer("q", rows, h)), p.n,
        p.t);
    INDArray k = heads(Linear.forward(p.weights, key(index), x, p.buffer("k", rows, h)), p.n,
        p.t);
    INDArray v = heads(Linear.forward(p.weights, value(index), x, p.buffer("v", rows, h)), p.n,
        p.t);
    INDArray scores = p.buffer("scores", p.n, heads, p.t, p.t);
    Nd4j.matmul(q, k, scores, false, true, false);
    if (p.maskBias != null) {
      scores.addi(p.maskBias);
    }
    Nd4j.exec(new SoftMax(scores, scores, 3));
    INDArray context = p.buffer("context", p.n, heads, p.t, config.headSize());
    Nd4j.matmul(scores, v, context, false, false, false);
    INDArray merged = p.buffer("merged", p.n, p.t, heads, config.headSize());
    merged.assign(context.permute(0, 2, 1, 3));
    return merged.reshape(rows, h);
  }

  // ---- training ----

  @Override
  public INDArray forward(TrainingPass p, INDArray x) {
    long rows = p.rows;
    int h = config.hiddenSize();
    int ffn = config.intermediateSize();
    INDArray q = Linear.forward(p.weights, query(index), x, p.buffer(l + "q", rows, h))
        .muli(scale);
    INDArray k = Linear.forward(p.weights, key(index), x, p.buffer(l + "k", rows, h));
    INDArray v = Linear.forward(p.weights, value(index), x, p.buffer(l + "v", rows, h));
    INDArray probs = p.buffer(l + "p", p.n, config.numHeads(), p.t, p.t);
    Nd4j.matmul(heads(q, p.n, p.t), heads(k, p.n, p.t), probs, false, true, false);
    if (p.maskBias != null) {
      probs.addi(p.maskBias);
    }
    Nd4j.exec(new SoftMax(probs, probs, 3));
    INDArray kept = droppedProbs(p, probs);
    INDArray context = p.buffer("context4", p.n, config.numHeads(), p.t, config.headSize());
    Nd4j.matmul(kept, heads(v, p.n, p.t), context, false, false, false);
    INDArray merged = p.buffer(l + "c", p.n, p.t, config.numHeads(), config.headSize());
    merged.assign(context.permute(0, 2, 1, 3));
    INDArray z1 = LayerNorm.input(p, l + "1");
    Linear.forward(p.weights, attentionOutput(index), merged.reshape(rows, h), z1);
    p.applyDropout(DropoutSites.attentionOutput(index), z1);
    z1.addi(x);
    INDArray x1 = p.buffer(l + "x1", rows, h);
    LayerNorm.forward(p, l + "1", attentionLayerNorm(index), x1);
    INDArray u = Linear.forward(p.weights, intermediate(index), x1, p.buffer(l + "u", rows, ffn));
    INDArray g = p.buffer("gelu", rows, ffn);
    INDArray cdf = p.buffer("cdf", rows, ffn);
    Gelu.cdf(u, cdf);
    Nd4j.exec(new MulOp(u, cdf, g));
    INDArray z2 = LayerNorm.input(p, l + "2");
    Linear.forward(p.weights, output(index), g, z2);
    p.applyDropout(DropoutSites.output(index), z2);
    z2.addi(x1);
    INDArray out = p.buffer("h" + (index + 1), rows, h);
    LayerNorm.forward(p, l + "2", outputLayerNorm(index), out);
    return out;
  }

  @Override
  public INDArray backward(TrainingPass p, Activations io, INDArray dh) {
    long rows = p.rows;
    int h = config.hiddenSize();
    int ffn = config.intermediateSize();
    INDArray dz = LayerNorm.backward(p, l + "2", outputLayerNorm(index), dh,
        p.buffer("dz", rows, h));
    INDArray dOut = p.droppedGrad(DropoutSites.output(index), dz, p.buffer("dMasked", rows, h));
    INDArray u = p.buffer(l + "u", rows, ffn);
    INDArray cdf = p.buffer("cdf", rows, ffn);
    Gelu.cdf(u, cdf); // recomputed rather than kept: one [rows, FFN] array less per layer
    INDArray work = p.buffer("gelu", rows, ffn);
    Nd4j.exec(new MulOp(u, cdf, work));
    INDArray dGelu = Linear.backward(p, output(index), work, dOut, work, 0.0);
    INDArray dU = dGelu.muli(Gelu.derivative(u, cdf, p.buffer("geluGrad", rows, ffn)));
    INDArray x1 = p.buffer(l + "x1", rows, h);
    INDArray dx1 = p.buffer("dx1", rows, h);
    dx1.assign(dz);
    Linear.backward(p, intermediate(index), x1, dU, dx1, 1.0);
    dz = LayerNorm.backward(p, l + "1", attentionLayerNorm(index), dx1, dz);
    INDArray dAttnOut = p.droppedGrad(DropoutSites.attentionOutput(index), dz,
        p.buffer("dMasked", rows, h));
    INDArray merged = p.buffer(l + "c", rows, h);
    INDArray dMerged = Linear.backward(p, attentionOutput(index), merged, dAttnOut,
        p.buffer("dMerged", rows, h), 0.0);
    attentionBackward(p, io.input(), dMerged, dz);
    dh.assign(dz);
    return dh;
  }

  /** Adds the attention's dL/d(input) to {@code dInput}, given dL/d(merged context). */
  private void attentionBackward(TrainingPass p, INDArray x, INDArray dMerged, INDArray dInput) {
    int heads = config.numHeads();
    int h = config.hiddenSize();
    long rows = p.rows;
    INDArray probs = p.buffer(l + "p", p.n, heads, p.t, p.t);
    INDArray kept = droppedProbs(p, probs); // recomputed rather than kept per layer
    INDArray dContext = heads(dMerged, p.n, p.t);
    INDArray dProbs = p.buffer("dProbs", p.n, heads, p.t, p.t);
    Nd4j.matmul(dContext, heads(p.buffer(l + "v", rows, h), p.n, p.t), dProbs, false, true,
        false);
    INDArray dHead = p.buffer("dHead", p.n, heads, p.t, config.headSize());
    Nd4j.matmul(kept, dContext, dHead, true, false, false);
    projectionBackward(p, value(index), x, dHead, 1.0, dInput);
    INDArray dropMask = p.dropoutMask(DropoutSites.attentionProbs(index));
    if (dropMask != null) {
      dProbs.muli(dropMask);
    }
    // Softmax: dS = P * (dP - sum_j dP_j P_j)
    INDArray product = p.buffer("probsProduct", p.n, heads, p.t, p.t);
    Nd4j.exec(new MulOp(dProbs, probs, product));
    dProbs.subi(product.sum(true, 3));
    dProbs.muli(probs);
    Nd4j.matmul(dProbs, heads(p.buffer(l + "k", rows, h), p.n, p.t), dHead, false, false, false);
    projectionBackward(p, query(index), x, dHead, scale, dInput);
    Nd4j.matmul(dProbs, heads(p.buffer(l + "q", rows, h), p.n, p.t), dHead, true, false, false);
    projectionBackward(p, key(index), x, dHead, 1.0, dInput);
  }

  /**
   * Given dL/d(heads of a Q, K or V projection) [N, heads, T, d], adds the projection's kernel and
   * bias gradients and its dL/d(input) into {@code dInput}.
   */
  private void projectionBackward(TrainingPass p, String name, INDArray x, INDArray dHead,
      double factor, INDArray dInput) {
    INDArray merged = p.buffer("dProjection", p.n, p.t, config.numHeads(), config.headSize());
    merged.assign(dHead.permute(0, 2, 1, 3));
    INDArray dy = merged.reshape(p.rows, config.hiddenSize());
    if (factor != 1.0) {
      dy.muli(factor);
    }
    Linear.backward(p, name, x, dy, dInput, 1.0);
  }

  /** Attention probabilities after dropout, or the probabilities when none is dropped. */
  private INDArray droppedProbs(TrainingPass p, INDArray probs) {
    INDArray mask = p.dropoutMask(DropoutSites.attentionProbs(index));
    if (mask == null) {
      return probs;
    }
    INDArray kept = p.buffer("pKept", probs.shape());
    Nd4j.exec(new MulOp(probs, mask, kept));
    return kept;
  }

  /** [N*T, H] as a [N, heads, T, headSize] view. */
  private INDArray heads(INDArray x, int n, int t) {
    return x.reshape(n, t, config.numHeads(), config.headSize()).permute(0, 2, 1, 3);
  }

  // ---- SameDiff reference ----

  @Override
  public SDVariable define(GraphBuilder g, SDVariable x) {
    int h = config.hiddenSize();
    SDVariable attnOut = g.dropout(DropoutSites.attentionOutput(index),
        g.linear(attentionOutput(index), defineAttention(g, x), h, h), config.hiddenDropout());
    SDVariable x1 = g.layerNorm(attentionLayerNorm(index), attnOut.add(x));
    SDVariable inter = g.gelu(g.linear(intermediate(index), x1, h, config.intermediateSize()));
    SDVariable out = g.dropout(DropoutSites.output(index),
        g.linear(output(index), inter, config.intermediateSize(), h), config.hiddenDropout());
    return g.layerNorm(outputLayerNorm(index), out.add(x1));
  }

  private SDVariable defineAttention(GraphBuilder g, SDVariable x) {
    int h = config.hiddenSize();
    long heads = config.numHeads();
    long d = config.headSize();
    SDVariable q = g.perSequence(g.linear(query(index), x, h, h), heads, d).permute(0, 2, 1, 3);
    SDVariable k = g.perSequence(g.linear(key(index), x, h, h), heads, d).permute(0, 2, 3, 1);
    SDVariable v = g.perSequence(g.linear(value(index), x, h, h), heads, d).permute(0, 2, 1, 3);
    SDVariable scores = g.sd.mmul(q, k).mul(scale);
    SDVariable bias = g.sd.expandDims(g.sd.expandDims(
        g.mask.rsub(1.0).mul(InferencePass.MASK_PENALTY), 1), 1);
    SDVariable probs = g.dropout(DropoutSites.attentionProbs(index),
        g.sd.nn.softmax(scores.add(bias), 3), config.attentionDropout());
    return g.sd.mmul(probs, v).permute(0, 2, 1, 3).reshape(-1, h);
  }
}
