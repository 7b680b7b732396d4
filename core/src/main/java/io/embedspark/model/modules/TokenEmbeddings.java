package io.embedspark.model.modules;

import static io.embedspark.model.ParameterNames.EMBEDDINGS_LN;
import static io.embedspark.model.ParameterNames.POSITION_EMBEDDINGS;
import static io.embedspark.model.ParameterNames.TOKEN_TYPE_EMBEDDINGS;
import static io.embedspark.model.ParameterNames.WORD_EMBEDDINGS;

import io.embedspark.model.DropoutSites;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.RowIndex;
import io.embedspark.tokenize.TokenBatch;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * BERT's input embeddings (Devlin et al. 2019, arXiv 1810.04805, section 3): word, position and
 * token-type (always type 0) embeddings summed, then a layer norm and dropout. Output [N*T, H].
 * Position ids start at the config's {@code positionOffset} (2 for RoBERTa-family models).
 *
 * <p>The backward pass sums each token's gradient per id over the chunk's distinct ids only and
 * adds those sums to the touched rows of each table: its cost follows the rows a chunk touches,
 * not the table's size (a multilingual vocabulary has over 100,000 rows; a chunk touches a few
 * thousand).
 *
 * <p>SameDiff's gather back-propagation is wrong for repeated ids and cannot be built for three
 * tables in one graph, so a training graph has no tables: its input is the variable {@value
 * #EMBEDDING_INPUT} [N, T, H], the sum of the three embeddings, which the trainer looks up itself;
 * that variable's gradient summed per id is each table's gradient. An inference graph holds the
 * tables as constants and gathers from the placeholders {@value #INPUT_IDS}, {@value
 * #POSITION_IDS} and {@value #TOKEN_TYPE_IDS} (int32, [N, T]).
 */
public final class TokenEmbeddings implements EncoderModule {
  public static final String INPUT_IDS = "input_ids";
  public static final String POSITION_IDS = "position_ids";
  public static final String TOKEN_TYPE_IDS = "token_type_ids";
  public static final String EMBEDDING_INPUT = "embedding_input";
  /** The training forward pass's output buffer, the input of the first layer. */
  static final String OUTPUT = "h0";
  private static final String NORM = "emb";

  private final EncoderConfig config;

  public TokenEmbeddings(EncoderConfig config) {
    this.config = config;
  }

  @Override
  public ModuleSpec spec() {
    return new ModuleSpec("token_embeddings", null, null, null, null,
        config.positionOffset() == 0 ? null : config.positionOffset());
  }

  /** The position ids of a batch's tokens: the token's index plus the config's offset. */
  public static int[] positionIds(EncoderConfig config, TokenBatch batch) {
    int[] p = batch.positions();
    if (config.positionOffset() != 0) {
      for (int i = 0; i < p.length; i++) {
        p[i] += config.positionOffset();
      }
    }
    return p;
  }

  @Override
  public List<String> parameterNames() {
    return List.of(WORD_EMBEDDINGS, POSITION_EMBEDDINGS, TOKEN_TYPE_EMBEDDINGS,
        EMBEDDINGS_LN + ".weight", EMBEDDINGS_LN + ".bias");
  }

  @Override
  public INDArray infer(InferencePass p, INDArray ignored) {
    int h = config.hiddenSize();
    INDArray x = p.buffer("x", p.rows, h);
    Nd4j.pullRows(p.weights.get(WORD_EMBEDDINGS), x, 1, p.batch.ids());
    INDArray positions = p.weights.get(POSITION_EMBEDDINGS)
        .get(NDArrayIndex.interval(config.positionOffset(), config.positionOffset() + p.t),
            NDArrayIndex.all()).reshape(1, p.t, h);
    x.reshape(p.n, p.t, h).addi(positions);
    x.addiRowVector(p.weights.get(TOKEN_TYPE_EMBEDDINGS).getRow(0));
    LayerNorm.infer(p.weights, EMBEDDINGS_LN, config.layerNormEps(), x,
        p.buffer("tmp", p.rows, h));
    return x;
  }

  @Override
  public INDArray forward(TrainingPass p, INDArray ignored) {
    INDArray sum = LayerNorm.input(p, NORM);
    Nd4j.pullRows(p.weights.get(WORD_EMBEDDINGS), sum, 1, p.chunk.ids());
    INDArray tmp = p.buffer("tmp", p.rows, config.hiddenSize());
    Nd4j.pullRows(p.weights.get(POSITION_EMBEDDINGS), tmp, 1, positionIds(config, p.chunk));
    sum.addi(tmp).addiRowVector(p.weights.get(TOKEN_TYPE_EMBEDDINGS).getRow(0));
    INDArray out = p.buffer(OUTPUT, p.rows, config.hiddenSize());
    LayerNorm.forward(p, NORM, EMBEDDINGS_LN, out);
    p.applyDropout(DropoutSites.embeddings(), out);
    return out;
  }

  @Override
  public INDArray backward(TrainingPass p, Activations io, INDArray dOutput) {
    p.applyDropout(DropoutSites.embeddings(), dOutput);
    INDArray dSum = LayerNorm.backward(p, NORM, EMBEDDINGS_LN, dOutput,
        p.buffer("dz", p.rows, config.hiddenSize()));
    addSegmentSum(p, WORD_EMBEDDINGS, dSum, p.chunk.ids());
    addSegmentSum(p, POSITION_EMBEDDINGS, dSum, positionIds(config, p.chunk));
    addSegmentSum(p, TOKEN_TYPE_EMBEDDINGS, dSum, new int[p.chunk.ids().length]);
    return null;
  }

  /** Sums the rows of {@code grad} per id, then adds the sums to the table gradient's rows. */
  private static void addSegmentSum(TrainingPass p, String table, INDArray grad, int[] ids) {
    RowIndex index = RowIndex.of(ids);
    try (INDArray part = index.sumRows(grad)) {
      RowIndex.scatterAdd(p.gradient(table), index.rows(), part);
    }
  }

  @Override
  public SDVariable define(GraphBuilder g, SDVariable ignored) {
    int h = config.hiddenSize();
    if (g.training) {
      SDVariable sum = g.sd.var(EMBEDDING_INPUT, Nd4j.zeros(g.dtype, 1, 1, h));
      return g.dropout(DropoutSites.embeddings(), g.layerNorm(EMBEDDINGS_LN, sum.reshape(-1, h)),
          config.hiddenDropout());
    }
    SDVariable ids = g.sd.placeHolder(INPUT_IDS, DataType.INT, -1, -1);
    SDVariable positions = g.sd.placeHolder(POSITION_IDS, DataType.INT, -1, -1);
    SDVariable types = g.sd.placeHolder(TOKEN_TYPE_IDS, DataType.INT, -1, -1);
    SDVariable words = lookup(g, WORD_EMBEDDINGS, ids, config.vocabSize());
    SDVariable pos = lookup(g, POSITION_EMBEDDINGS, positions, config.maxPositions());
    SDVariable typ = lookup(g, TOKEN_TYPE_EMBEDDINGS, types, config.typeVocabSize());
    return g.layerNorm(EMBEDDINGS_LN, words.add(pos).add(typ).reshape(-1, h));
  }

  private SDVariable lookup(GraphBuilder g, String table, SDVariable ids, int rows) {
    SDVariable t = g.sd.constant(table, Nd4j.zeros(g.dtype, rows, config.hiddenSize()));
    return g.sd.gather(t, ids, 0);
  }
}
