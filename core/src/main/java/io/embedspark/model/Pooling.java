package io.embedspark.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the encoder's token states become one vector per text (Reimers and Gurevych 2019, arXiv
 * 1908.10084, section 3). Gemini Embedding (Lee et al. 2025, arXiv 2503.07891) mean-pools, the
 * default; BGE models (Xiao et al. 2023, arXiv 2309.07597) take the first token's state.
 */
public enum Pooling {
  /** The average of the states of the real (unpadded) tokens. */
  MEAN,
  /** The state of the first token, {@code [CLS]}. */
  CLS;

  /** The name users write in configs and on the command line: {@code mean} or {@code cls}. */
  @JsonValue
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code mean} or {@code cls}, in any case.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  @JsonCreator
  public static Pooling parse(String value) {
    for (Pooling p : values()) {
      if (p.key().equalsIgnoreCase(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("pooling '" + value + "' is not one of "
        + Arrays.stream(values()).map(Pooling::key).collect(Collectors.joining(", ")));
  }
}
