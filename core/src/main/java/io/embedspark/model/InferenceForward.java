package io.embedspark.model;

import io.embedspark.io.FloatTensor;
import io.embedspark.tokenize.TokenBatch;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The embedding model's forward pass for inference, written with ND4J operations that work in
 * place on buffers reused across calls. It computes exactly what {@link EncoderGraph} computes
 * (BERT layers, masked mean pooling, projection, L2 normalisation; tested against the graph and
 * against PyTorch) about twice as fast, because a SameDiff graph gives every op a fresh output
 * array (see docs/BENCHMARKS.md). The graph stays the source of gradients for training.
 *
 * <p>Two constants are folded into the weights at load, each saving a pass over a large array:
 * the attention scale 1/sqrt(headSize) into the query projection, and GELU's factor 1/2 into the
 * feed-forward output kernel. A batch without padding skips the mask.
 *
 * <p>Thread-safe: weights are read-only and each thread has its own buffers.
 */
final class InferenceForward {
  private static final double NORM_EPS = 1e-24;
  private static final double MASK_PENALTY = -1e9;

  private final EncoderConfig config;
  private final DataType dtype;
  private final Map<String, INDArray> weights = new HashMap<>();
  private final ThreadLocal<ScratchBuffers> scratch;

  /** What one pass produces. */
  record Output(INDArray pooled, INDArray embedding) {}

  InferenceForward(EncoderConfig config, ModelParameters params, DataType dtype) {
    this.config = config;
    this.dtype = dtype;
    this.scratch = ThreadLocal.withInitial(() -> new ScratchBuffers(dtype));
    for (Map.Entry<String, FloatTensor> e : params.tensors().entrySet()) {
      INDArray a = Nd4j.create(e.getValue().values(), e.getValue().shape(), 'c').castTo(dtype);
      boolean kernel = !ModelParameters.graphName(e.getKey()).equals(e.getKey());
      weights.put(e.getKey(), kernel ? a.transpose().dup('c') : a);
    }
    double attentionScale = 1.0 / Math.sqrt(config.headSize());
    for (int i = 0; i < config.numLayers(); i++) {
      weights.get(ParameterNames.query(i) + ".weight").muli(attentionScale);
      weights.get(ParameterNames.query(i) + ".bias").muli(attentionScale);
      weights.get(ParameterNames.output(i) + ".weight").muli(0.5);
    }
  }

  Output run(TokenBatch batch) {
    NativeThreads.ensureConfigured();
    ScratchBuffers s = scratch.get();
    int n = batch.size();
    int t = batch.width();
    long rows = (long) n * t;
    INDArray mask = Nd4j.createFromArray(batch.mask()).castTo(dtype).reshape(rows, 1);
    INDArray x = embeddings(batch, s.get("x", rows, config.hiddenSize()),
        s.get("tmp", rows, config.hiddenSize()));
    boolean padded = batch.realTokens() < rows;
    INDArray maskBias = padded ? mask.rsub(1.0).muli(MASK_PENALTY).reshape(n, 1, 1, t) : null;
    for (int i = 0; i < config.numLayers(); i++) {
      layer(i, x, maskBias, n, t, s);
    }
    if (padded) {
      x.muliColumnVector(mask);
    }
    INDArray lengths = mask.reshape(n, t).sum(true, 1);
    INDArray pooled = x.reshape(n, t, config.hiddenSize()).sum(1).diviColumnVector(lengths);
    INDArray projected = linear(ParameterNames.PROJECTION, pooled,
        Nd4j.create(dtype, n, config.outputDim()));
    INDArray sq = projected.mul(projected).sum(true, 1).addi(NORM_EPS);
    return new Output(pooled, projected.muliColumnVector(Transforms.pow(sq, -0.5, false)));
  }

  private INDArray embeddings(TokenBatch batch, INDArray x, INDArray tmp) {
    int t = batch.width();
    int h = config.hiddenSize();
    Nd4j.pullRows(weights.get(ParameterNames.WORD_EMBEDDINGS), x, 1, batch.ids());
    INDArray positions = weights.get(ParameterNames.POSITION_EMBEDDINGS)
        .get(NDArrayIndex.interval(0, t), NDArrayIndex.all()).reshape(1, t, h);
    x.reshape(batch.size(), t, h).addi(positions);
    x.addiRowVector(weights.get(ParameterNames.TOKEN_TYPE_EMBEDDINGS).getRow(0));
    layerNorm(ParameterNames.EMBEDDINGS_LN, x, tmp);
    return x;
  }

  /** One post-LN transformer layer, updating x [N*T, H] in place. */
  private void layer(int i, INDArray x, INDArray maskBias, int n, int t, ScratchBuffers s) {
    int h = config.hiddenSize();
    long rows = (long) n * t;
    INDArray tmp = s.get("tmp", rows, h);
    INDArray context = attention(i, x, maskBias, n, t, s);
    linear(ParameterNames.attentionOutput(i), context, tmp);
    x.addi(tmp);
    layerNorm(ParameterNames.attentionLayerNorm(i), x, tmp);
    INDArray inter = linear(ParameterNames.intermediate(i), x,
        s.get("inter", rows, config.intermediateSize()));
    doubledGelu(inter, s.get("inter2", rows, config.intermediateSize()));
    linear(ParameterNames.output(i), inter, tmp);
    x.addi(tmp);
    layerNorm(ParameterNames.outputLayerNorm(i), x, tmp);
  }

  /** Scaled dot-product self-attention with a padding mask; returns the context [N*T, H]. */
  private INDArray attention(int i, INDArray x, INDArray maskBias, int n, int t,
      ScratchBuffers s) {
    int h = config.hiddenSize();
    int heads = config.numHeads();
    int d = config.headSize();
    long rows = (long) n * t;
    INDArray q = heads(linear(ParameterNames.query(i), x, s.get("q", rows, h)), n, t);
    INDArray k = heads(linear(ParameterNames.key(i), x, s.get("k", rows, h)), n, t);
    INDArray v = heads(linear(ParameterNames.value(i), x, s.get("v", rows, h)), n, t);
    INDArray scores = s.get("scores", n, heads, t, t);
    Nd4j.matmul(q, k, scores, false, true, false);
    if (maskBias != null) {
      scores.addi(maskBias);
    }
    Nd4j.exec(new SoftMax(scores, scores, 3));
    INDArray context = s.get("context", n, heads, t, d);
    Nd4j.matmul(scores, v, context, false, false, false);
    INDArray merged = s.get("merged", n, t, heads, d);
    merged.assign(context.permute(0, 2, 1, 3));
    return merged.reshape(rows, h);
  }

  /** [N*T, H] as a [N, heads, T, headSize] view. */
  private INDArray heads(INDArray x, int n, int t) {
    return x.reshape(n, t, config.numHeads(), config.headSize()).permute(0, 2, 1, 3);
  }

  private INDArray linear(String name, INDArray x, INDArray out) {
    Nd4j.gemm(x, weights.get(name + ".weight"), out, false, false, 1.0, 0.0);
    return out.addiRowVector(weights.get(name + ".bias"));
  }

  /** Layer norm over rows in place, eps inside the square root; {@code tmp} is scratch. */
  private void layerNorm(String name, INDArray x, INDArray tmp) {
    x.subiColumnVector(x.mean(true, 1));
    Nd4j.exec(new MulOp(x, x, tmp));
    INDArray inverseStd = Transforms.pow(tmp.mean(true, 1).addi(config.layerNormEps()), -0.5,
        false);
    x.muliColumnVector(inverseStd).muliRowVector(weights.get(name + ".weight"))
        .addiRowVector(weights.get(name + ".bias"));
  }

  /**
   * Twice the exact GELU in place, x * (1 + erf(x / sqrt 2)); the factor 1/2 lives in the next
   * kernel. {@code tmp} is scratch.
   */
  private static void doubledGelu(INDArray x, INDArray tmp) {
    Nd4j.exec(new ScalarMultiplication(x, null, tmp, 1.0 / Math.sqrt(2.0)));
    Nd4j.exec(new Erf(tmp, tmp));
    x.muli(tmp.addi(1.0));
  }
}
