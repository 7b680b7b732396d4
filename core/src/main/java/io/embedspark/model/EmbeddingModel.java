package io.embedspark.model;

import io.embedspark.model.modules.InferencePipeline;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A ready-to-run embedding model: tokenizer, config and parameters. Turns texts into L2-normalised
 * embeddings of {@code outputDim} coordinates with {@link InferencePipeline}; the equivalent
 * SameDiff graph ({@link EncoderGraph}, no dropout) is built on demand by {@link #graph()}.
 * Thread-safe for inference.
 */
public final class EmbeddingModel implements AutoCloseable {
  private final EncoderConfig config;
  private final TextTokenizer tokenizer;
  private final DataType dtype;
  private final ModelParameters parameters;
  private final InferencePipeline forward;
  private SameDiff graph;

  private EmbeddingModel(EncoderConfig config, ModelParameters parameters,
      TextTokenizer tokenizer, DataType dtype) {
    this.config = config;
    this.parameters = parameters;
    this.tokenizer = tokenizer;
    this.dtype = dtype;
    this.forward = new InferencePipeline(config, parameters, dtype);
  }

  /** Loads the parameters for inference in {@code dtype} (FLOAT, or DOUBLE for exactness tests). */
  public static EmbeddingModel create(EncoderConfig config, ModelParameters parameters,
      TextTokenizer tokenizer, DataType dtype) {
    return new EmbeddingModel(config, parameters, tokenizer, dtype);
  }

  /** The same model as a SameDiff inference graph (no dropout), built on first use. */
  public synchronized SameDiff graph() {
    if (graph == null) {
      graph = EncoderGraph.build(config.withoutDropout(), dtype, false);
      parameters.copyInto(graph);
    }
    return graph;
  }

  /** Placeholder values for a token batch, for any graph built by {@link EncoderGraph}. */
  public static Map<String, INDArray> placeholders(EncoderConfig config, TokenBatch batch,
      DataType dtype) {
    long[] shape = {batch.size(), batch.width()};
    Map<String, INDArray> p = new HashMap<>();
    p.put(EncoderGraph.INPUT_IDS, Nd4j.createFromArray(batch.ids()).reshape(shape));
    p.put(EncoderGraph.POSITION_IDS, Nd4j.createFromArray(
        io.embedspark.model.modules.TokenEmbeddings.positionIds(config, batch)).reshape(shape));
    p.put(EncoderGraph.TOKEN_TYPE_IDS, Nd4j.zeros(DataType.INT, shape));
    p.put(EncoderGraph.ATTENTION_MASK,
        Nd4j.createFromArray(batch.mask()).reshape(shape).castTo(dtype));
    return p;
  }

  /** Embeddings of a token batch, [N, outputDim], unit rows. */
  public INDArray embed(TokenBatch batch) {
    return run(batch, EncoderGraph.EMBEDDING, config.outputDim());
  }

  /** Embeddings of a token batch as float rows, for the embed job's {@code BatchEncoder}. */
  public float[][] embedRows(TokenBatch batch) {
    if (batch.size() == 0) {
      return new float[0][];
    }
    return embed(batch).castTo(DataType.FLOAT).toFloatMatrix();
  }

  /** Pooled encoder states before the projection, [N, hiddenSize]. */
  public INDArray pooled(TokenBatch batch) {
    return run(batch, EncoderGraph.POOLED, config.hiddenSize());
  }

  /** Embeddings computed by running the SameDiff graph, for equivalence checks. */
  public INDArray embedWithGraph(TokenBatch batch) {
    if (batch.size() == 0) {
      return Nd4j.create(dtype, 0, config.outputDim());
    }
    return graph().outputSingle(placeholders(config, batch, dtype), EncoderGraph.EMBEDDING);
  }

  private INDArray run(TokenBatch batch, String output, int width) {
    if (batch.size() == 0) {
      // The native softmax crashes the JVM on an empty batch; nothing to compute anyway.
      return Nd4j.create(dtype, 0, width);
    }
    InferencePipeline.Output out = forward.run(batch);
    return output.equals(EncoderGraph.POOLED) ? out.pooled() : out.embedding();
  }

  /** Embeds texts in batches of {@code batchSize}; row i is the embedding of text i. */
  public float[][] embedTexts(List<String> texts, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize = " + batchSize + " must be positive");
    }
    List<float[]> rows = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> part = texts.subList(from, Math.min(texts.size(), from + batchSize));
      INDArray e = embed(tokenizer.encode(part)).castTo(DataType.FLOAT);
      for (int i = 0; i < part.size(); i++) {
        rows.add(e.getRow(i).toFloatVector());
      }
    }
    return rows.toArray(new float[0][]);
  }

  /** The parameters this model runs with. */
  public ModelParameters parameters() {
    return parameters;
  }

  public EncoderConfig config() {
    return config;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  public DataType dtype() {
    return dtype;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
