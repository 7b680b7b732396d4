package io.embedspark.bench;

import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ModelSources;
import io.embedspark.io.PresetModels;
import io.embedspark.io.ProjectionInit;
import io.embedspark.io.Provenance;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import java.util.List;

/** The model a benchmark runs: a preset with fresh weights, or any model a user can open. */
public final class BenchModels {
  private BenchModels() {}

  /**
   * A preset (its WordPiece vocabulary trained on {@code vocabularyTexts}, or with no tokenizer
   * and the preset's vocabulary size when they are null, for random token ids), or a bundle,
   * checkpoint directory or {@code mbert} ({@link ModelSources#open}, random projection).
   */
  public static CheckpointBundle open(String spec, int maxLength, List<String> vocabularyTexts) {
    if (!PresetModels.isPreset(spec)) {
      return ModelSources.open(spec, new ImportOptions(0, List.of(), maxLength,
          ProjectionInit.RANDOM, 1L));
    }
    if (vocabularyTexts != null) {
      return PresetModels.initialise(spec, vocabularyTexts, 8000, maxLength, 1, "benchmark");
    }
    EncoderConfig c = EncoderPresets.byName(spec);
    return new CheckpointBundle(BundleConfig.of(c, Math.min(maxLength, c.maxPositions())),
        ModelParameters.initialise(c, 1), null, Provenance.now("init:" + spec + " (benchmark)",
            List.of(), 1, null, null));
  }
}
