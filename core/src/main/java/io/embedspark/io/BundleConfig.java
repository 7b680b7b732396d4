package io.embedspark.io;

import io.embedspark.data.ModelPrompts;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.Pooling;
import io.embedspark.model.modules.EncoderModules;
import io.embedspark.model.modules.ModuleSpec;
import java.util.List;

/**
 * The {@code config.json} of a checkpoint bundle: the model's shape, its modules in order and the
 * tokenizer's maximum length, with a format name and version so that readers reject bundles they
 * do not understand.
 *
 * <p>Version 2 lists the modules (token embeddings, transformer layers, pooling with its mode,
 * the dense projection, normalisation), which must be the pipeline the model config describes.
 * Version 1 bundles have no list and always mean-pool; they keep loading.
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion the bundle layout version, {@value #VERSION} when written by this code
 * @param model the embedding model's shape
 * @param modules the encoder's modules in order (absent in version 1)
 * @param maxSequenceLength texts are truncated to this many tokens, special tokens included
 * @param prompts the model's own query and document prompts (e5's {@code query: } and {@code
 *     passage: }); absent for the Gemini task prompts
 */
@com.fasterxml.jackson.annotation.JsonInclude(
    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record BundleConfig(String format, int formatVersion, EncoderConfig model,
    List<ModuleSpec> modules, int maxSequenceLength, ModelPrompts prompts) {
  public static final String FORMAT = "embedspark-bundle";
  public static final int VERSION = 2;

  public static BundleConfig of(EncoderConfig model, int maxSequenceLength) {
    return new BundleConfig(FORMAT, VERSION, model, EncoderModules.specs(model),
        maxSequenceLength, null);
  }

  /** Another model shape, with this config's length and prompts. */
  public BundleConfig withModel(EncoderConfig other) {
    return new BundleConfig(FORMAT, VERSION, other, EncoderModules.specs(other),
        maxSequenceLength, prompts);
  }

  /** The same config declaring the model's own prompts (null: the Gemini task prompts). */
  public BundleConfig withPrompts(ModelPrompts other) {
    return new BundleConfig(format, formatVersion, model, modules, maxSequenceLength, other);
  }

  /**
   * The same config truncating texts at {@code tokens} tokens.
   *
   * @param key names the setting in the error, e.g. {@code max_length}
   * @throws io.embedspark.error.InvalidInputException unless tokens is in 1..the model's positions
   */
  public BundleConfig withMaxSequenceLength(int tokens, String key) {
    if (tokens <= 0 || tokens > model.maxTokens()) {
      throw new io.embedspark.error.InvalidInputException(key + " = " + tokens
          + " must be in 1.." + model.maxTokens() + ", the positions this model has");
    }
    return new BundleConfig(format, formatVersion, model, modules, tokens, prompts);
  }

  /** Checks format, version, the model config and its module list, naming the file. */
  public BundleConfig validated(String source) {
    if (!FORMAT.equals(format)) {
      throw new CorruptArtifactException(source + ": format = '" + format + "', expected '"
          + FORMAT + "'");
    }
    if (formatVersion != 1 && formatVersion != VERSION) {
      throw new CorruptArtifactException(source + ": formatVersion = " + formatVersion
          + " is not supported by this version, which reads 1 and " + VERSION);
    }
    if (model == null) {
      throw new CorruptArtifactException(source + ": missing key 'model'");
    }
    List<String> problems = model.problems("model.");
    if (maxSequenceLength <= 0 || maxSequenceLength > model.maxTokens()) {
      problems.add("maxSequenceLength = " + maxSequenceLength + " must be in 1.."
          + model.maxTokens() + (model.positionOffset() == 0 ? " (model.maxPositions)"
          : " (model.maxPositions - model.positionOffset)"));
    }
    moduleProblems(problems);
    if (!problems.isEmpty()) {
      throw new CorruptArtifactException(source + ": " + String.join("; ", problems));
    }
    return this;
  }

  private void moduleProblems(List<String> problems) {
    if (formatVersion == 1) {
      if (model.pooling() != Pooling.MEAN) {
        problems.add("model.pooling = " + model.pooling().key() + " needs formatVersion "
            + VERSION + " (version 1 bundles mean-pool)");
      }
      return;
    }
    if (modules == null) {
      problems.add("missing key 'modules' (formatVersion " + VERSION + "); expected "
          + (problems.isEmpty() ? EncoderModules.specs(model) : "the model's modules"));
      return;
    }
    // Compared by count first, so a config claiming billions of layers allocates nothing.
    long implied = (long) model.numLayers() + 4;
    if (modules.size() != implied) {
      problems.add("modules lists " + modules.size() + " entries but the model config implies "
          + implied + " (token_embeddings, " + model.numLayers() + " transformer_layer, pooling, "
          + "dense, normalize)");
      return;
    }
    if (!problems.isEmpty()) {
      return;
    }
    List<ModuleSpec> expected = EncoderModules.specs(model);
    for (int i = 0; i < Math.max(expected.size(), modules.size()); i++) {
      ModuleSpec want = i < expected.size() ? expected.get(i) : null;
      ModuleSpec got = i < modules.size() ? modules.get(i) : null;
      if (want == null || !want.equals(got)) {
        problems.add("modules[" + i + "] = " + got + " but the model config implies " + want
            + " (modules: " + expected + ")");
        return;
      }
    }
  }
}
