package io.embedspark.model;

import io.embedspark.error.InvalidInputException;
import java.util.List;
import java.util.Locale;

/**
 * Named model shapes: {@code tiny} for tests, {@code small} for the default run on a laptop, and
 * {@code base} with the shapes of BERT-base. The vocabulary size is a placeholder until a tokenizer
 * sets it.
 */
public final class EncoderPresets {
  private EncoderPresets() {}

  /** 2 layers x 32 wide, 2 heads: builds and runs in milliseconds. */
  public static EncoderConfig tiny() {
    return new EncoderConfig(1000, 32, 2, 2, 64, 64, 2, 1e-12, 0.1, 0.1, 16, List.of(8, 16));
  }

  /** 4 layers x 256 wide, 4 heads, FFN 1024: the default run's model. */
  public static EncoderConfig small() {
    return new EncoderConfig(8000, 256, 4, 4, 1024, 128, 2, 1e-12, 0.1, 0.1, 256,
        List.of(64, 128, 256));
  }

  /** The shapes of BERT-base (12 layers x 768, 12 heads, FFN 3072, 512 positions). */
  public static EncoderConfig base() {
    return new EncoderConfig(30522, 768, 12, 12, 3072, 512, 2, 1e-12, 0.1, 0.1, 768,
        List.of(128, 256, 512, 768));
  }

  /** Looks a preset up by name, case-insensitively. */
  public static EncoderConfig byName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "tiny" -> tiny();
      case "small" -> small();
      case "base" -> base();
      default -> throw new InvalidInputException(
          "unknown model preset '" + name + "'; expected one of tiny, small, base");
    };
  }
}
