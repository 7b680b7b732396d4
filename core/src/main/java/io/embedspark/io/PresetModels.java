package io.embedspark.io;

import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenizerJson;
import io.embedspark.tokenize.WordPieceTrainer;
import java.util.List;
import java.util.Locale;

/**
 * A model from scratch: a cased WordPiece vocabulary trained on a corpus and a preset encoder
 * sized to it, freshly initialised.
 */
public final class PresetModels {
  private static final List<String> NAMES = List.of("tiny", "small", "base");

  private PresetModels() {}

  /** Whether {@code spec} names a preset rather than a model to open. */
  public static boolean isPreset(String spec) {
    return NAMES.contains(spec.toLowerCase(Locale.ROOT));
  }

  /**
   * @param corpus texts to train the vocabulary on
   * @param data names the corpus in the provenance
   */
  public static CheckpointBundle initialise(String preset, List<String> corpus, int vocabSize,
      int maxLength, long seed, String data) {
    List<String> vocab = new WordPieceTrainer(vocabSize, 2, false).train(corpus);
    EncoderConfig config = EncoderPresets.byName(preset).withVocabSize(vocab.size());
    Provenance provenance = Provenance.now("init:" + preset.toLowerCase(Locale.ROOT),
        List.of(data), seed, null, null);
    return new CheckpointBundle(BundleConfig.of(config,
        config.sequenceLength(maxLength)), ModelParameters.initialise(config, seed),
        TokenizerJson.wordPiece(vocab, false), provenance);
  }
}
