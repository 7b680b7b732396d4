package io.embedspark.io;

import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenizerJson;
import io.embedspark.tokenize.WordPieceTrainer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/** Freshly initialised tiny bundles with a WordPiece vocabulary trained on a few sentences. */
public final class TinyBundles {
  /** Texts to train the vocabulary on and to embed. */
  public static final List<String> TEXTS = List.of(
      "a file manager with two panes",
      "shared library for the office suite",
      "Bibliothèque partagée pour la suite bureautique",
      "日本語のテキストエディタ",
      "a terminal emulator for the desktop");
  public static final int MAX_LENGTH = 32;

  private TinyBundles() {}

  public static String tokenizerJson() {
    return TokenizerJson.wordPiece(new WordPieceTrainer(150, 1, false).train(TEXTS), false);
  }

  /** {@code EncoderPresets.tiny()} sized to the tokenizer, initialised with {@code seed}. */
  public static CheckpointBundle create(long seed) {
    String tokenizer = tokenizerJson();
    int vocab;
    try (TextTokenizer t = new TextTokenizer(tokenizer, MAX_LENGTH)) {
      vocab = t.vocabSize();
    }
    EncoderConfig config = EncoderPresets.tiny().withVocabSize(vocab);
    return new CheckpointBundle(BundleConfig.of(config, MAX_LENGTH),
        ModelParameters.initialise(config, seed), tokenizer,
        Provenance.now("init:tiny", List.of(), seed, null, null));
  }

  /** Float embeddings of {@link #TEXTS} by the bundle's model. */
  public static float[][] embed(CheckpointBundle bundle, DataType dtype) {
    try (EmbeddingModel model = bundle.toModel(dtype)) {
      return model.embedTexts(TEXTS, 2);
    }
  }
}
