package io.embedspark.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.embedspark.config.Choice;
import java.util.Locale;

/**
 * How the encoder's token states become one vector per text (Reimers and Gurevych 2019, arXiv
 * 1908.10084, section 3). Gemini Embedding (Lee et al. 2025, arXiv 2503.07891) mean-pools, the
 * default; BGE models (Xiao et al. 2023, arXiv 2309.07597) take the first token's state.
 */
public enum Pooling implements Choice {
  /** The average of the states of the real (unpadded) tokens. */
  MEAN,
  /** The state of the first token, {@code [CLS]}. */
  CLS;

  /** The name users write in configs and on the command line: {@code mean} or {@code cls}. */
  @JsonValue
  @Override
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
    Pooling p = Choice.find(Pooling.class, value);
    if (p == null) {
      throw new IllegalArgumentException("pooling '" + value + "' is not one of "
          + String.join(", ", Choice.keys(Pooling.class)));
    }
    return p;
  }
}
