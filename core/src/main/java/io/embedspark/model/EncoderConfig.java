package io.embedspark.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.embedspark.config.Checks;
import java.util.ArrayList;
import java.util.List;

/**
 * Shape and hyper-parameters of the embedding model: a BERT encoder (Devlin et al. 2019, arXiv
 * 1810.04805), pooling (masked mean by default, or the first token), a linear projection to
 * {@code outputDim} and L2 normalisation, with Matryoshka prefixes (Kusupati et al. 2022, arXiv
 * 2205.13147) at {@code matryoshkaDims}. The network built from it is a pipeline of modules
 * ({@link io.embedspark.model.modules.EncoderModules}).
 *
 * @param vocabSize rows of the token embedding table
 * @param hiddenSize width of every transformer layer
 * @param numLayers number of transformer layers
 * @param numHeads attention heads per layer; must divide {@code hiddenSize}
 * @param intermediateSize width of the feed-forward block
 * @param maxPositions rows of the position embedding table, the longest sequence the model takes
 * @param typeVocabSize rows of the token-type (segment) embedding table
 * @param layerNormEps epsilon inside every layer norm's square root
 * @param hiddenDropout dropout after embeddings, attention output and feed-forward output
 * @param attentionDropout dropout on attention probabilities
 * @param outputDim width of the projection, the full embedding size
 * @param matryoshkaDims nested prefix sizes served by the model, ascending, the last equal to
 *     {@code outputDim}
 * @param pooling how token states become one vector; {@link Pooling#MEAN} when absent (bundles
 *     written before pooling was configurable)
 * @param positionOffset the position id of a text's first token: 0 for BERT; RoBERTa and
 *     XLM-RoBERTa (Liu et al. 2019, arXiv 1907.11692; Conneau et al. 2020, arXiv 1911.02116)
 *     count positions after the padding index, padding_idx + 1 = 2; 0 when absent (bundles
 *     written before RoBERTa-family models were read)
 */
public record EncoderConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    double layerNormEps,
    double hiddenDropout,
    double attentionDropout,
    int outputDim,
    List<Integer> matryoshkaDims,
    Pooling pooling,
    Integer positionOffset) implements java.io.Serializable {

  public EncoderConfig {
    matryoshkaDims = List.copyOf(matryoshkaDims);
    pooling = pooling == null ? Pooling.MEAN : pooling;
    positionOffset = positionOffset == null ? 0 : positionOffset;
  }

  /** A mean-pooling config, the recipe's default. */
  public EncoderConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads,
      int intermediateSize, int maxPositions, int typeVocabSize, double layerNormEps,
      double hiddenDropout, double attentionDropout, int outputDim,
      List<Integer> matryoshkaDims) {
    this(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions,
        typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, outputDim, matryoshkaDims,
        Pooling.MEAN, 0);
  }

  /** A config with BERT's positions (starting at 0). */
  public EncoderConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads,
      int intermediateSize, int maxPositions, int typeVocabSize, double layerNormEps,
      double hiddenDropout, double attentionDropout, int outputDim,
      List<Integer> matryoshkaDims, Pooling pooling) {
    this(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions,
        typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, outputDim, matryoshkaDims,
        pooling, 0);
  }

  /** The longest text, special tokens included, that the position table covers. */
  @JsonIgnore
  public int maxTokens() {
    return maxPositions - positionOffset;
  }

  /**
   * The length, in tokens, a bundle of this model cuts texts at when {@code requested} are asked
   * for: the request, at most the positions the model has.
   */
  public int sequenceLength(int requested) {
    return Math.min(requested, maxTokens());
  }

  /** Width of one attention head. */
  @JsonIgnore
  public int headSize() {
    return hiddenSize / numHeads;
  }

  /** The same config with another vocabulary size (set from the tokenizer). */
  public EncoderConfig withVocabSize(int newVocabSize) {
    return new EncoderConfig(newVocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
        maxPositions, typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, outputDim,
        matryoshkaDims, pooling, positionOffset);
  }

  /** The same config with another projection size and Matryoshka dims. */
  public EncoderConfig withOutput(int newOutputDim, List<Integer> newMatryoshkaDims) {
    return new EncoderConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
        maxPositions, typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, newOutputDim,
        newMatryoshkaDims, pooling, positionOffset);
  }

  /** The same config with another pooling. */
  public EncoderConfig withPooling(Pooling newPooling) {
    return new EncoderConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
        maxPositions, typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, outputDim,
        matryoshkaDims, newPooling, positionOffset);
  }

  /** The same config with only the first {@code layers} transformer layers. */
  public EncoderConfig withLayers(int layers) {
    return new EncoderConfig(vocabSize, hiddenSize, layers, numHeads, intermediateSize,
        maxPositions, typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, outputDim,
        matryoshkaDims, pooling, positionOffset);
  }

  /** The same config with dropout switched off, for inference and exactness tests. */
  public EncoderConfig withoutDropout() {
    return new EncoderConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
        maxPositions, typeVocabSize, layerNormEps, 0.0, 0.0, outputDim, matryoshkaDims, pooling,
        positionOffset);
  }

  /**
   * Every rule this config breaks, each naming the key, the value found and the rule; empty when
   * the config is valid.
   *
   * @param prefix dotted path of this config in the enclosing file, e.g. {@code "model."}
   */
  public List<String> problems(String prefix) {
    List<String> p = new ArrayList<>();
    Checks.positive(p, prefix + "vocabSize", vocabSize);
    Checks.positive(p, prefix + "hiddenSize", hiddenSize);
    Checks.positive(p, prefix + "numLayers", numLayers);
    Checks.positive(p, prefix + "numHeads", numHeads);
    Checks.positive(p, prefix + "intermediateSize", intermediateSize);
    Checks.positive(p, prefix + "maxPositions", maxPositions);
    Checks.positive(p, prefix + "typeVocabSize", typeVocabSize);
    Checks.positive(p, prefix + "outputDim", outputDim);
    if (numHeads > 0 && hiddenSize % numHeads != 0) {
      p.add(prefix + "numHeads = " + numHeads + " does not divide " + prefix + "hiddenSize = "
          + hiddenSize);
    }
    if (!(layerNormEps > 0 && layerNormEps < 1)) {
      p.add(prefix + "layerNormEps = " + layerNormEps + " must be in (0, 1)");
    }
    if (positionOffset < 0 || (maxPositions > 0 && positionOffset >= maxPositions)) {
      p.add(prefix + "positionOffset = " + positionOffset + " must be in 0.."
          + (maxPositions - 1) + " (" + prefix + "maxPositions - 1)");
    }
    Checks.probability(p, prefix + "hiddenDropout", hiddenDropout);
    Checks.probability(p, prefix + "attentionDropout", attentionDropout);
    matryoshkaProblems(p, prefix);
    return p;
  }

  private void matryoshkaProblems(List<String> p, String prefix) {
    if (matryoshkaDims.isEmpty()) {
      p.add(prefix + "matryoshkaDims is empty; give at least [" + outputDim + "]");
      return;
    }
    for (int i = 0; i < matryoshkaDims.size(); i++) {
      int d = matryoshkaDims.get(i);
      String key = prefix + "matryoshkaDims[" + i + "] = " + d;
      if (d <= 0) {
        p.add(key + " must be positive");
      } else if (d > outputDim) {
        p.add(key + " exceeds " + prefix + "outputDim = " + outputDim);
      } else if (i > 0 && d <= matryoshkaDims.get(i - 1)) {
        p.add(key + " must be larger than the previous dim " + matryoshkaDims.get(i - 1));
      }
    }
    int last = matryoshkaDims.get(matryoshkaDims.size() - 1);
    if (last != outputDim) {
      p.add(prefix + "matryoshkaDims ends with " + last + " but must end with " + prefix
          + "outputDim = " + outputDim);
    }
  }
}
