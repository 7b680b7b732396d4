package io.embedspark.backprop;

import io.embedspark.io.FloatTensor;
import io.embedspark.model.DropoutSites;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderGraph;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import io.embedspark.model.modules.TokenEmbeddings;
import io.embedspark.tokenize.TokenBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The encoder graph prepared for the gradient cache (Gao et al. 2021, arXiv 2101.06983): a
 * placeholder {@value #EMBEDDING_GRAD} carries dL/dE for a chunk's rows and the only loss is
 * sum(E * dL/dE), so back-propagating it gives the chunk's share of dL/dtheta. Built once and
 * reused for every chunk and step. Dropout masks are drawn from each chunk's seed
 * ({@link DropoutSites}), so both passes over a chunk drop the same units.
 *
 * <p>Gradients are keyed by graph variable name ({@link ModelParameters#graphName}). The embedding
 * tables live here, outside the graph ({@link EncoderGraph}): each chunk's embedding sum is looked
 * up into the graph's input variable, and each table's gradient is the input's gradient summed per
 * token id ({@code unsorted_segment_sum}), exact for repeated ids.
 */
public final class TrainingGraph implements TrainableEncoder {
  public static final String EMBEDDING_GRAD = "embedding_grad";
  private static final String OBJECTIVE = "cached_objective";
  private final EncoderConfig config;
  private final EncoderConfig effectiveConfig;
  private final DataType dtype;
  private final SameDiff sd;
  private final Map<String, INDArray> tables = new LinkedHashMap<>();
  private final List<String> gradientNames = new ArrayList<>();

  public TrainingGraph(EncoderConfig config, DataType dtype, boolean dropout) {
    this.config = config;
    this.effectiveConfig = dropout ? config : config.withoutDropout();
    this.dtype = dtype;
    this.sd = EncoderGraph.build(effectiveConfig, dtype, true);
    SDVariable grad = sd.placeHolder(EMBEDDING_GRAD, dtype, -1, config.outputDim());
    sd.getVariable(EncoderGraph.EMBEDDING).mul(grad).sum().rename(OBJECTIVE);
    sd.setLossVariables(OBJECTIVE);
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        gradientNames.add(v.name());
      }
    }
    createGradientFunctionQuietly();
  }

  /**
   * Builds the backward graph now rather than on the first step. SameDiff 1.0.0-M2.1 prints a
   * line per differentiated op to standard output while doing so (hundreds of lines); they are
   * dropped.
   */
  private void createGradientFunctionQuietly() {
    synchronized (System.class) {
      java.io.PrintStream out = System.out;
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      try {
        sd.createGradFunction();
      } finally {
        System.setOut(out);
      }
    }
  }

  /** Loads parameters into the graph and the embedding tables. */
  @Override
  public void load(ModelParameters parameters) {
    parameters.copyInto(sd);
    for (String table : ParameterNames.embeddingTables()) {
      FloatTensor t = parameters.get(table);
      tables.put(table, Nd4j.create(t.values(), t.shape(), 'c').castTo(dtype));
    }
  }

  @Override
  public ModelParameters parameters() {
    return ModelParameters.readFrom(sd, config, tables);
  }

  @Override
  public INDArray array(String graphName) {
    INDArray table = tables.get(graphName);
    return table != null ? table : sd.getVariable(graphName).getArr();
  }

  @Override
  public INDArray embed(TokenBatch chunk, long seed) {
    INDArray e = sd.outputSingle(placeholders(atLeastTwoRows(chunk), seed),
        EncoderGraph.EMBEDDING);
    return chunk.size() == 1 ? e.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all()) : e;
  }

  /**
   * SameDiff 1.0.0-M2.1 fails to back-propagate through a one-row batch (a reduction's gradient
   * loses its input), so a one-row chunk runs as two copies of the row, the copy with a zero
   * embedding gradient, which contributes nothing. Both passes do this, so dropout replays.
   */
  private static TokenBatch atLeastTwoRows(TokenBatch chunk) {
    if (chunk.size() != 1) {
      return chunk;
    }
    int[] ids = new int[2 * chunk.width()];
    System.arraycopy(chunk.ids(), 0, ids, 0, chunk.width());
    System.arraycopy(chunk.ids(), 0, ids, chunk.width(), chunk.width());
    return new TokenBatch(2, chunk.width(), ids, new int[] {chunk.lengths()[0],
        chunk.lengths()[0]}, new boolean[2]);
  }

  /**
   * Back-propagates cached embedding gradients through a chunk.
   *
   * @param embeddingGrad dL/dE for the chunk's rows, [N, outputDim]
   * @param seed the same seed as the chunk's {@link #embed} call, so dropout masks match
   * @return dL/dtheta of this chunk keyed by graph variable name (tables by their own name)
   */
  public Map<String, INDArray> backward(TokenBatch chunk, INDArray embeddingGrad, long seed) {
    TokenBatch rows = atLeastTwoRows(chunk);
    INDArray grad = embeddingGrad.castTo(dtype);
    if (chunk.size() == 1) {
      grad = Nd4j.concat(0, grad, Nd4j.zeros(dtype, 1, config.outputDim()));
    }
    Map<String, INDArray> placeholders = placeholders(rows, seed);
    placeholders.put(EMBEDDING_GRAD, grad);
    Map<String, INDArray> raw = sd.calculateGradientsAndOutputs(placeholders, List.of(OBJECTIVE),
        gradientNames).getGradients();
    Map<String, INDArray> grads = new HashMap<>();
    for (String name : gradientNames) {
      if (!name.equals(EncoderGraph.EMBEDDING_INPUT)) {
        grads.put(name, raw.get(name));
      }
    }
    INDArray input = raw.get(EncoderGraph.EMBEDDING_INPUT).reshape(-1, config.hiddenSize());
    grads.put(ParameterNames.WORD_EMBEDDINGS,
        segmentSum(input, rows.ids(), config.vocabSize()));
    grads.put(ParameterNames.POSITION_EMBEDDINGS,
        segmentSum(input, TokenEmbeddings.positionIds(config, rows), config.maxPositions()));
    grads.put(ParameterNames.TOKEN_TYPE_EMBEDDINGS,
        segmentSum(input, new int[rows.ids().length], config.typeVocabSize()));
    return grads;
  }

  /**
   * Adds a chunk's gradients to the sum and frees their native memory at once: SameDiff's
   * gradient pass allocates fresh arrays, and left to the garbage collector they pile up
   * off-heap faster than it runs.
   */
  @Override
  public void accumulateGradients(TokenBatch chunk, INDArray embeddingGrad, long seed,
      Map<String, INDArray> sum) {
    for (Map.Entry<String, INDArray> e : backward(chunk, embeddingGrad, seed).entrySet()) {
      INDArray s = sum.get(e.getKey());
      if (s == null) {
        sum.put(e.getKey(), e.getValue().dup());
      } else {
        s.addi(e.getValue());
      }
      if (e.getValue().closeable()) {
        e.getValue().close();
      }
    }
  }

  /**
   * The attention mask and dropout masks (drawn from {@code seed}) as placeholders, and the
   * chunk's embedding sum set as the graph's input variable.
   */
  private Map<String, INDArray> placeholders(TokenBatch chunk, long seed) {
    long[] shape = {chunk.size(), chunk.width()};
    int h = config.hiddenSize();
    INDArray sum = Nd4j.pullRows(tables.get(ParameterNames.WORD_EMBEDDINGS), 1, chunk.ids());
    sum.addi(Nd4j.pullRows(tables.get(ParameterNames.POSITION_EMBEDDINGS), 1,
        TokenEmbeddings.positionIds(config, chunk)));
    sum.addiRowVector(tables.get(ParameterNames.TOKEN_TYPE_EMBEDDINGS).getRow(0));
    sd.getVariable(EncoderGraph.EMBEDDING_INPUT)
        .setArray(sum.reshape(chunk.size(), chunk.width(), h));
    Map<String, INDArray> p = new HashMap<>(
        DropoutSites.masks(effectiveConfig, dtype, chunk.size(), chunk.width(), seed));
    p.put(EncoderGraph.ATTENTION_MASK,
        Nd4j.createFromArray(chunk.mask()).reshape(shape).castTo(dtype));
    return p;
  }

  /** Sums rows of {@code grad} [N*T, H] per id into a [rows, H] table gradient. */
  private static INDArray segmentSum(INDArray grad, int[] ids, int rows) {
    return Nd4j.exec(new UnsortedSegmentSum(grad, Nd4j.createFromArray(ids), rows))[0];
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
