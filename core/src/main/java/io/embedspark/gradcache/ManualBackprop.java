package io.embedspark.gradcache;

import io.embedspark.io.FloatTensor;
import io.embedspark.model.DropoutSites;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.NativeThreads;
import io.embedspark.model.ParameterNames;
import io.embedspark.model.RowIndex;
import io.embedspark.model.ScratchBuffers;
import io.embedspark.tokenize.TokenBatch;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The encoder's forward and backward pass derived by hand and run with in-place ND4J operations on
 * buffers reused across chunks and steps. It computes what {@link TrainingGraph} computes with
 * SameDiff's automatic differentiation (BERT post-LN layers, Devlin et al. 2019, arXiv 1810.04805;
 * masked mean pooling, projection and L2 normalisation as in Gemini Embedding, Lee et al. 2025,
 * arXiv 2503.07891; inverted dropout at {@link DropoutSites} from the same seeded masks), tested
 * against it to 1e-9 in double precision, several times faster: SameDiff's gradient pass gives
 * every op fresh zeroed native memory (see docs/BENCHMARKS.md).
 *
 * <p>The forward pass keeps what the backward pass needs per layer (layer input, Q, K, V,
 * attention probabilities, context, normalised activations and their inverse standard deviations,
 * the feed-forward pre-activation); GELU's normal CDF and output and the attention probabilities
 * after dropout are recomputed rather than kept, and dropout masks are drawn into reused buffers.
 * Memory grows with the chunk, not the batch. When the backward pass follows the embedding
 * pass of the same chunk and seed (the gradient cache's last chunk), the kept activations are
 * used as they are instead of running the forward pass again.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class ManualBackprop implements TrainableEncoder {
  private static final double NORM_EPS = 1e-24;
  private static final double MASK_PENALTY = -1e9;
  private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  private final EncoderConfig config;
  private final EncoderConfig effective;
  private final DataType dtype;
  private final Map<String, INDArray> params = new LinkedHashMap<>();
  private final ScratchBuffers s;
  private final double scale;
  /** The chunk the buffers currently describe. */
  private Shape shape;
  /** The chunk and seed of the last forward pass, whose activations the buffers hold. */
  private TokenBatch lastChunk;
  private long lastSeed;

  private record Shape(int n, int t, long rows, INDArray mask, INDArray lengths,
      INDArray maskBias, Map<String, INDArray> dropout) {}

  public ManualBackprop(EncoderConfig config, DataType dtype, boolean dropout) {
    this.config = config;
    this.effective = dropout ? config : config.withoutDropout();
    this.dtype = dtype;
    this.s = new ScratchBuffers(dtype);
    this.scale = 1.0 / Math.sqrt(config.headSize());
  }

  @Override
  public void load(ModelParameters parameters) {
    lastChunk = null;
    params.clear();
    for (Map.Entry<String, FloatTensor> e : parameters.tensors().entrySet()) {
      INDArray a = Nd4j.create(e.getValue().values(), e.getValue().shape(), 'c').castTo(dtype);
      String graphName = ModelParameters.graphName(e.getKey());
      params.put(graphName, graphName.equals(e.getKey()) ? a : a.transpose().dup('c'));
    }
  }

  @Override
  public ModelParameters parameters() {
    return ModelParameters.fromGraphArrays(params::get, config);
  }

  @Override
  public INDArray array(String graphName) {
    lastChunk = null; // the caller may change it: kept activations are stale
    return params.get(graphName);
  }

  /**
   * Replaces a parameter's array with {@code value} itself (no copy): an executor replica holds
   * the word-embedding table cut to the rows its batch touches, and gets the batch's ids mapped to
   * positions among those rows. The table gradient then comes out cut the same way.
   */
  public void replace(String graphName, INDArray value) {
    lastChunk = null;
    params.put(graphName, value.dataType() == dtype ? value : value.castTo(dtype));
  }

  @Override
  public INDArray embed(TokenBatch chunk, long seed) {
    return forward(chunk, seed).dup();
  }

  @Override
  public void accumulateGradients(TokenBatch chunk, INDArray embeddingGrad, long seed,
      Map<String, INDArray> sum) {
    INDArray embedding = sameAsLastForward(chunk, seed) ? s.get("projected", chunk.size(),
        config.outputDim()) : forward(chunk, seed);
    lastChunk = null;
    int n = shape.n;
    int t = shape.t;
    long rows = shape.rows;
    int h = config.hiddenSize();
    INDArray dE = embeddingGrad.castTo(dtype);
    // L2 normalisation y = p / |p|: dp = (dE - y (dE . y)) / |p|.
    INDArray dot = dE.mul(embedding).sum(true, 1);
    INDArray dProjected = dE.sub(embedding.mulColumnVector(dot))
        .muliColumnVector(s.get("inverseNorm", n, 1));
    INDArray pooled = s.get("pooled", n, h);
    INDArray dPooled = linearBackward(ParameterNames.PROJECTION, pooled, dProjected,
        s.get("dPooled", n, h), sum);
    // Masked mean pooling: every real token of a row gets dPooled / length.
    INDArray dh = s.get("dh", rows, h);
    dh.assign(0.0);
    dh.reshape(n, t, h).addi(dPooled.diviColumnVector(shape.lengths).reshape(n, 1, h));
    dh.muliColumnVector(shape.mask);
    for (int i = config.numLayers() - 1; i >= 0; i--) {
      layerBackward(i, dh, sum);
    }
    applyDropout(DropoutSites.embeddings(), dh);
    INDArray dInput = layerNormBackward("emb", ParameterNames.EMBEDDINGS_LN, dh,
        s.get("dz", rows, h), sum);
    addTableGradients(chunk, dInput, sum);
  }

  /**
   * Whether the buffers still hold the activations of {@code chunk}'s forward pass with
   * {@code seed}, so a backward pass of it would skip its forward pass.
   */
  public boolean holdsActivationsOf(TokenBatch chunk, long seed) {
    return sameAsLastForward(chunk, seed);
  }

  private boolean sameAsLastForward(TokenBatch chunk, long seed) {
    return lastChunk != null && seed == lastSeed && lastChunk.width() == chunk.width()
        && java.util.Arrays.equals(lastChunk.ids(), chunk.ids())
        && java.util.Arrays.equals(lastChunk.lengths(), chunk.lengths());
  }

  /** Runs the forward pass, keeping activations; returns the unit embeddings (a buffer view). */
  private INDArray forward(TokenBatch chunk, long seed) {
    NativeThreads.ensureConfigured();
    lastChunk = null; // set again only once the activations are complete
    int n = chunk.size();
    int t = chunk.width();
    long rows = (long) n * t;
    int h = config.hiddenSize();
    INDArray mask = s.get("mask", rows, 1);
    mask.assign(Nd4j.createFromArray(chunk.mask()).castTo(dtype).reshape(rows, 1));
    INDArray maskBias = chunk.realTokens() < rows
        ? mask.rsub(1.0).muli(MASK_PENALTY).reshape(n, 1, 1, t) : null;
    shape = new Shape(n, t, rows, mask, mask.reshape(n, t).sum(true, 1), maskBias,
        DropoutSites.masks(effective, dtype, n, t, seed, s));
    INDArray e = s.get("emb.xhat", rows, h);
    Nd4j.pullRows(params.get(ParameterNames.WORD_EMBEDDINGS), e, 1, chunk.ids());
    INDArray tmp = s.get("tmp", rows, h);
    Nd4j.pullRows(params.get(ParameterNames.POSITION_EMBEDDINGS), tmp, 1, chunk.positions());
    e.addi(tmp).addiRowVector(params.get(ParameterNames.TOKEN_TYPE_EMBEDDINGS).getRow(0));
    INDArray x = hidden(0);
    layerNormForward("emb", ParameterNames.EMBEDDINGS_LN, x);
    applyDropout(DropoutSites.embeddings(), x);
    for (int i = 0; i < config.numLayers(); i++) {
      layerForward(i);
    }
    INDArray last = hidden(config.numLayers());
    INDArray masked = s.get("tmp", rows, h);
    masked.assign(last).muliColumnVector(shape.mask);
    INDArray pooled = s.get("pooled", n, h);
    pooled.assign(masked.reshape(n, t, h).sum(1).diviColumnVector(shape.lengths));
    INDArray projected = linear(ParameterNames.PROJECTION, pooled,
        s.get("projected", n, config.outputDim()));
    INDArray inverseNorm = s.get("inverseNorm", n, 1);
    inverseNorm.assign(Transforms.pow(projected.mul(projected).sum(true, 1).addi(NORM_EPS),
        -0.5, false));
    projected.muliColumnVector(inverseNorm);
    lastChunk = chunk;
    lastSeed = seed;
    return projected;
  }

  /** The input of layer {@code i} ({@code i = numLayers}: the last layer's output). */
  private INDArray hidden(int i) {
    return s.get("h" + i, shape.rows, config.hiddenSize());
  }

  private void layerForward(int i) {
    int n = shape.n;
    int t = shape.t;
    long rows = shape.rows;
    int h = config.hiddenSize();
    String l = "l" + i + ".";
    INDArray x = hidden(i);
    INDArray q = linear(ParameterNames.query(i), x, s.get(l + "q", rows, h)).muli(scale);
    INDArray k = linear(ParameterNames.key(i), x, s.get(l + "k", rows, h));
    INDArray v = linear(ParameterNames.value(i), x, s.get(l + "v", rows, h));
    INDArray probs = s.get(l + "p", n, config.numHeads(), t, t);
    Nd4j.matmul(heads(q), heads(k), probs, false, true, false);
    if (shape.maskBias != null) {
      probs.addi(shape.maskBias);
    }
    Nd4j.exec(new SoftMax(probs, probs, 3));
    INDArray kept = droppedProbs(i, probs);
    INDArray context = s.get("context4", n, config.numHeads(), t, config.headSize());
    Nd4j.matmul(kept, heads(v), context, false, false, false);
    INDArray merged = s.get(l + "c", n, t, config.numHeads(), config.headSize());
    merged.assign(context.permute(0, 2, 1, 3));
    INDArray z1 = s.get(l + "1.xhat", rows, h);
    linear(ParameterNames.attentionOutput(i), merged.reshape(rows, h), z1);
    applyDropout(DropoutSites.attentionOutput(i), z1);
    z1.addi(x);
    INDArray x1 = s.get(l + "x1", rows, h);
    layerNormForward(l + "1", ParameterNames.attentionLayerNorm(i), x1);
    INDArray u = linear(ParameterNames.intermediate(i), x1,
        s.get(l + "u", rows, config.intermediateSize()));
    INDArray g = s.get("gelu", rows, config.intermediateSize());
    INDArray cdf = s.get("cdf", rows, config.intermediateSize());
    geluCdf(u, cdf);
    Nd4j.exec(new MulOp(u, cdf, g));
    INDArray z2 = s.get(l + "2.xhat", rows, h);
    linear(ParameterNames.output(i), g, z2);
    applyDropout(DropoutSites.output(i), z2);
    z2.addi(x1);
    layerNormForward(l + "2", ParameterNames.outputLayerNorm(i), hidden(i + 1));
  }

  /**
   * Back-propagates through layer {@code i}: {@code dh} holds dL/d(output) on entry and
   * dL/d(input) on return.
   */
  private void layerBackward(int i, INDArray dh, Map<String, INDArray> sum) {
    int n = shape.n;
    int t = shape.t;
    long rows = shape.rows;
    int h = config.hiddenSize();
    int inter = config.intermediateSize();
    String l = "l" + i + ".";
    INDArray dz = layerNormBackward(l + "2", ParameterNames.outputLayerNorm(i), dh,
        s.get("dz", rows, h), sum);
    INDArray dOut = droppedGrad(DropoutSites.output(i), dz, s.get("dMasked", rows, h));
    INDArray u = s.get(l + "u", rows, inter);
    INDArray cdf = s.get("cdf", rows, inter);
    geluCdf(u, cdf); // recomputed rather than kept: one [rows, FFN] array less per layer
    INDArray work = s.get("gelu", rows, inter);
    Nd4j.exec(new MulOp(u, cdf, work));
    INDArray dGelu = linearBackward(ParameterNames.output(i), work, dOut, work, sum);
    // GELU'(u) = Phi(u) + u phi(u)
    INDArray derivative = s.get("geluGrad", rows, inter);
    Nd4j.exec(new MulOp(u, u, derivative));
    Nd4j.exec(new Exp(derivative.muli(-0.5), derivative));
    derivative.muli(INV_SQRT_2PI).muli(u).addi(cdf);
    INDArray dU = dGelu.muli(derivative);
    INDArray x1 = s.get(l + "x1", rows, h);
    INDArray dx1 = s.get("dx1", rows, h);
    dx1.assign(dz);
    linearBackward(ParameterNames.intermediate(i), x1, dU, dx1, 1.0, sum);
    dz = layerNormBackward(l + "1", ParameterNames.attentionLayerNorm(i), dx1, dz, sum);
    INDArray dAttnOut = droppedGrad(DropoutSites.attentionOutput(i), dz,
        s.get("dMasked", rows, h));
    INDArray merged = s.get(l + "c", rows, h);
    INDArray dMerged = linearBackward(ParameterNames.attentionOutput(i), merged, dAttnOut,
        s.get("dMerged", rows, h), sum);
    attentionBackward(i, dMerged, dz, sum);
    dh.assign(dz);
  }

  /** Adds the attention's dL/d(input) to {@code dInput}, given dL/d(merged context). */
  private void attentionBackward(int i, INDArray dMerged, INDArray dInput,
      Map<String, INDArray> sum) {
    int n = shape.n;
    int t = shape.t;
    long rows = shape.rows;
    int h = config.hiddenSize();
    int heads = config.numHeads();
    int d = config.headSize();
    String l = "l" + i + ".";
    INDArray x = hidden(i);
    INDArray probs = s.get(l + "p", n, heads, t, t);
    INDArray kept = droppedProbs(i, probs); // recomputed rather than kept per layer
    INDArray dContext = heads(dMerged);
    INDArray dProbs = s.get("dProbs", n, heads, t, t);
    Nd4j.matmul(dContext, heads(s.get(l + "v", rows, h)), dProbs, false, true, false);
    INDArray dHead = s.get("dHead", n, heads, t, d);
    Nd4j.matmul(kept, dContext, dHead, true, false, false);
    projectionBackward(ParameterNames.value(i), x, dHead, 1.0, dInput, sum);
    if (shape.dropout.containsKey(DropoutSites.attentionProbs(i))) {
      dProbs.muli(shape.dropout.get(DropoutSites.attentionProbs(i)));
    }
    // Softmax: dS = P * (dP - sum_j dP_j P_j)
    INDArray product = s.get("probsProduct", n, heads, t, t);
    Nd4j.exec(new MulOp(dProbs, probs, product));
    dProbs.subi(product.sum(true, 3));
    dProbs.muli(probs);
    Nd4j.matmul(dProbs, heads(s.get(l + "k", rows, h)), dHead, false, false, false);
    projectionBackward(ParameterNames.query(i), x, dHead, scale, dInput, sum);
    Nd4j.matmul(dProbs, heads(s.get(l + "q", rows, h)), dHead, true, false, false);
    projectionBackward(ParameterNames.key(i), x, dHead, 1.0, dInput, sum);
  }

  /**
   * Given dL/d(heads of a Q, K or V projection) [N, heads, T, d], adds the projection's kernel and
   * bias gradients and its dL/d(input) into {@code dInput}.
   */
  private void projectionBackward(String name, INDArray x, INDArray dHead, double factor,
      INDArray dInput, Map<String, INDArray> sum) {
    INDArray merged = s.get("dProjection", shape.n, shape.t, config.numHeads(),
        config.headSize());
    merged.assign(dHead.permute(0, 2, 1, 3));
    INDArray dy = merged.reshape(shape.rows, config.hiddenSize());
    if (factor != 1.0) {
      dy.muli(factor);
    }
    linearBackward(name, x, dy, dInput, 1.0, sum);
  }

  /** y = x K + b: adds dK and db to the sum and returns dL/dx written into {@code dx}. */
  private INDArray linearBackward(String name, INDArray x, INDArray dy, INDArray dx,
      Map<String, INDArray> sum) {
    return linearBackward(name, x, dy, dx, 0.0, sum);
  }

  /** As above, with dL/dx added to {@code beta} times what {@code dx} holds. */
  private INDArray linearBackward(String name, INDArray x, INDArray dy, INDArray dx, double beta,
      Map<String, INDArray> sum) {
    INDArray kernel = params.get(name + ".kernel");
    Nd4j.gemm(x, dy, gradient(sum, name + ".kernel"), true, false, 1.0, 1.0);
    addColumnSums(dy, gradient(sum, name + ".bias"));
    Nd4j.gemm(dy, kernel, dx, false, true, 1.0, beta);
    return dx;
  }

  /**
   * Layer norm in place: the buffer {@code <prefix>.xhat} holds the input on entry and the
   * normalised input on return; {@code out} receives gain * xhat + bias.
   */
  private void layerNormForward(String prefix, String name, INDArray out) {
    long rows = shape.rows;
    INDArray xhat = s.get(prefix + ".xhat", rows, config.hiddenSize());
    xhat.subiColumnVector(xhat.mean(true, 1));
    INDArray sq = s.get("tmp", rows, config.hiddenSize());
    Nd4j.exec(new MulOp(xhat, xhat, sq));
    INDArray inverseStd = s.get(prefix + ".istd", rows, 1);
    inverseStd.assign(Transforms.pow(sq.mean(true, 1).addi(config.layerNormEps()), -0.5, false));
    xhat.muliColumnVector(inverseStd);
    out.assign(xhat).muliRowVector(params.get(name + ".weight"))
        .addiRowVector(params.get(name + ".bias"));
  }

  /**
   * Layer norm backward: adds the gain and bias gradients and writes dL/dx into {@code dx},
   * dx = istd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gain.
   */
  private INDArray layerNormBackward(String prefix, String name, INDArray dy, INDArray dx,
      Map<String, INDArray> sum) {
    long rows = shape.rows;
    INDArray xhat = s.get(prefix + ".xhat", rows, config.hiddenSize());
    INDArray inverseStd = s.get(prefix + ".istd", rows, 1);
    INDArray tmp = s.get("tmp", rows, config.hiddenSize());
    Nd4j.exec(new MulOp(dy, xhat, tmp));
    addColumnSums(tmp, gradient(sum, name + ".weight"));
    addColumnSums(dy, gradient(sum, name + ".bias"));
    if (dx != dy) {
      dx.assign(dy);
    }
    dx.muliRowVector(params.get(name + ".weight"));
    INDArray mean = dx.mean(true, 1);
    Nd4j.exec(new MulOp(dx, xhat, tmp));
    INDArray meanTimesXhat = tmp.mean(true, 1);
    dx.subiColumnVector(mean);
    tmp.assign(xhat).muliColumnVector(meanTimesXhat);
    return dx.subi(tmp).muliColumnVector(inverseStd);
  }

  /** The table gradients: each token's dL/d(embedding sum) summed per id. */
  private void addTableGradients(TokenBatch chunk, INDArray dInput, Map<String, INDArray> sum) {
    addSegmentSum(sum, ParameterNames.WORD_EMBEDDINGS, dInput, chunk.ids());
    addSegmentSum(sum, ParameterNames.POSITION_EMBEDDINGS, dInput, chunk.positions());
    addSegmentSum(sum, ParameterNames.TOKEN_TYPE_EMBEDDINGS, dInput, new int[chunk.ids().length]);
  }

  /**
   * Sums the rows of {@code grad} per id over the chunk's distinct ids only, then adds those sums
   * to the table gradient's rows: the cost follows the rows the chunk touches, not the table's
   * size (a multilingual vocabulary has over 100,000 rows; a chunk touches a few thousand).
   */
  private void addSegmentSum(Map<String, INDArray> sum, String table, INDArray grad, int[] ids) {
    RowIndex index = RowIndex.of(ids);
    INDArray part = Nd4j.exec(new UnsortedSegmentSum(grad, Nd4j.createFromArray(index.local()),
        index.size()))[0];
    RowIndex.scatterAdd(gradient(sum, table), index.rows(), part);
    part.close();
  }

  /**
   * Adds the column sums of {@code x} [R, C] to {@code target} [C] as a product with a row of
   * ones: ND4J's reduction along dimension 0 of a row-major array is many times slower.
   */
  private void addColumnSums(INDArray x, INDArray target) {
    INDArray ones = s.get("ones", 1, x.rows());
    ones.assign(1.0);
    Nd4j.gemm(ones, x, target.reshape(1, target.length()), false, false, 1.0, 1.0);
  }

  /** The gradient accumulator of a parameter, created as zeros of its shape. */
  private INDArray gradient(Map<String, INDArray> sum, String graphName) {
    return sum.computeIfAbsent(graphName, k -> Nd4j.zeros(dtype, params.get(k).shape()));
  }

  private INDArray linear(String name, INDArray x, INDArray out) {
    Nd4j.gemm(x, params.get(name + ".kernel"), out, false, false, 1.0, 0.0);
    out.addiRowVector(params.get(name + ".bias"));
    return out;
  }

  /** [N*T, H] as a [N, heads, T, headSize] view. */
  private INDArray heads(INDArray x) {
    return x.reshape(shape.n, shape.t, config.numHeads(), config.headSize())
        .permute(0, 2, 1, 3);
  }

  /** Phi(u) = (1 + erf(u / sqrt 2)) / 2 into {@code cdf}. */
  private static void geluCdf(INDArray u, INDArray cdf) {
    Nd4j.exec(new ScalarMultiplication(u, null, cdf, INV_SQRT2));
    Nd4j.exec(new Erf(cdf, cdf));
    cdf.addi(1.0).muli(0.5);
  }

  private void applyDropout(String site, INDArray x) {
    INDArray mask = shape.dropout.get(site);
    if (mask != null) {
      x.muli(mask);
    }
  }

  /** The gradient through a dropout site: {@code grad} times its mask, or {@code grad}. */
  private INDArray droppedGrad(String site, INDArray grad, INDArray out) {
    INDArray mask = shape.dropout.get(site);
    if (mask == null) {
      return grad;
    }
    Nd4j.exec(new MulOp(grad, mask, out));
    return out;
  }

  /** Attention probabilities after dropout, kept for the backward pass. */
  private INDArray droppedProbs(int i, INDArray probs) {
    INDArray mask = shape.dropout.get(DropoutSites.attentionProbs(i));
    if (mask == null) {
      return probs;
    }
    INDArray kept = s.get("pKept", probs.shape());
    Nd4j.exec(new MulOp(probs, mask, kept));
    return kept;
  }

  @Override
  public EncoderConfig config() {
    return config;
  }

  @Override
  public DataType dtype() {
    return dtype;
  }
}
