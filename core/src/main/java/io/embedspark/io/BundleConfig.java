package io.embedspark.io;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.model.EncoderConfig;
import java.util.List;

/**
 * The {@code config.json} of a checkpoint bundle: the model's shape and the tokenizer's maximum
 * length, with a format name and version so that readers reject bundles they do not understand.
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion the bundle layout version, {@value #VERSION} for this code
 * @param model the embedding model's shape
 * @param maxSequenceLength texts are truncated to this many tokens, special tokens included
 */
public record BundleConfig(String format, int formatVersion, EncoderConfig model,
    int maxSequenceLength) {
  public static final String FORMAT = "embedspark-bundle";
  public static final int VERSION = 1;

  public static BundleConfig of(EncoderConfig model, int maxSequenceLength) {
    return new BundleConfig(FORMAT, VERSION, model, maxSequenceLength);
  }

  /** Checks format, version and the model config, naming the file. */
  public BundleConfig validated(String source) {
    if (!FORMAT.equals(format)) {
      throw new CorruptArtifactException(source + ": format = '" + format + "', expected '"
          + FORMAT + "'");
    }
    if (formatVersion != VERSION) {
      throw new CorruptArtifactException(source + ": formatVersion = " + formatVersion
          + " is not supported by this version, which reads " + VERSION);
    }
    List<String> problems = model.problems("model.");
    if (maxSequenceLength <= 0 || maxSequenceLength > model.maxPositions()) {
      problems.add("maxSequenceLength = " + maxSequenceLength + " must be in 1.."
          + model.maxPositions() + " (model.maxPositions)");
    }
    if (!problems.isEmpty()) {
      throw new CorruptArtifactException(source + ": " + String.join("; ", problems));
    }
    return this;
  }
}
