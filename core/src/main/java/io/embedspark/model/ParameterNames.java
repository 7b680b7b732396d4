package io.embedspark.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameter names of the embedding model. The encoder uses the tensor names of Hugging Face's
 * {@code BertModel} (so checkpoints import without renaming); the projection is
 * {@code projection.weight} [outputDim, hiddenSize] and {@code projection.bias} [outputDim].
 * Linear weights are stored as [out, in], as in PyTorch.
 */
public final class ParameterNames {
  public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
  public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
  public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
  public static final String EMBEDDINGS_LN = "embeddings.LayerNorm";
  public static final String PROJECTION = "projection";

  private ParameterNames() {}

  /** Prefix of layer {@code i}'s tensors, e.g. {@code encoder.layer.3.}. */
  public static String layer(int i) {
    return "encoder.layer." + i + ".";
  }

  public static String query(int i) {
    return layer(i) + "attention.self.query";
  }

  public static String key(int i) {
    return layer(i) + "attention.self.key";
  }

  public static String value(int i) {
    return layer(i) + "attention.self.value";
  }

  public static String attentionOutput(int i) {
    return layer(i) + "attention.output.dense";
  }

  public static String attentionLayerNorm(int i) {
    return layer(i) + "attention.output.LayerNorm";
  }

  public static String intermediate(int i) {
    return layer(i) + "intermediate.dense";
  }

  public static String output(int i) {
    return layer(i) + "output.dense";
  }

  public static String outputLayerNorm(int i) {
    return layer(i) + "output.LayerNorm";
  }

  /** The three embedding tables, which the graph holds as constants (see {@link EncoderGraph}). */
  public static List<String> embeddingTables() {
    return List.of(WORD_EMBEDDINGS, POSITION_EMBEDDINGS, TOKEN_TYPE_EMBEDDINGS);
  }

  /** Prefixes of every linear layer (each has {@code .weight} and {@code .bias}). */
  public static List<String> linearLayers(EncoderConfig c) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      names.addAll(List.of(query(i), key(i), value(i), attentionOutput(i), intermediate(i),
          output(i)));
    }
    names.add(PROJECTION);
    return names;
  }

  /** Prefixes of every layer norm (each has {@code .weight} and {@code .bias}). */
  public static List<String> layerNorms(EncoderConfig c) {
    List<String> names = new ArrayList<>();
    names.add(EMBEDDINGS_LN);
    for (int i = 0; i < c.numLayers(); i++) {
      names.add(attentionLayerNorm(i));
      names.add(outputLayerNorm(i));
    }
    return names;
  }

  /** Every parameter tensor name of a model of this shape, in a stable order. */
  public static List<String> all(EncoderConfig c) {
    List<String> names = new ArrayList<>(embeddingTables());
    for (String ln : layerNorms(c)) {
      names.add(ln + ".weight");
      names.add(ln + ".bias");
    }
    for (String lin : linearLayers(c)) {
      names.add(lin + ".weight");
      names.add(lin + ".bias");
    }
    return names;
  }

  /** The expected shape of a parameter of a model of this shape. */
  public static long[] shapeOf(String name, EncoderConfig c) {
    int h = c.hiddenSize();
    switch (name) {
      case WORD_EMBEDDINGS: return new long[] {c.vocabSize(), h};
      case POSITION_EMBEDDINGS: return new long[] {c.maxPositions(), h};
      case TOKEN_TYPE_EMBEDDINGS: return new long[] {c.typeVocabSize(), h};
      case PROJECTION + ".weight": return new long[] {c.outputDim(), h};
      case PROJECTION + ".bias": return new long[] {c.outputDim()};
      default: break;
    }
    if (name.endsWith("LayerNorm.weight") || name.endsWith("LayerNorm.bias")) {
      return new long[] {h};
    }
    boolean bias = name.endsWith(".bias");
    if (name.contains("intermediate.dense")) {
      return bias ? new long[] {c.intermediateSize()} : new long[] {c.intermediateSize(), h};
    }
    if (name.contains(".output.dense") && !name.contains("attention")) {
      return bias ? new long[] {h} : new long[] {h, c.intermediateSize()};
    }
    return bias ? new long[] {h} : new long[] {h, h};
  }
}
