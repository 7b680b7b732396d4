package io.embedspark.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An enum whose constants a config names by a key ({@code global-batch}, {@code overwrite}):
 * modes, policies and formats are compared as constants, never as strings.
 */
public interface Choice {
  /** The name users write in configs, e.g. {@code parameter-averaging}. */
  String key();

  /** Every key of {@code type}, in declaration order. */
  static <E extends Enum<E> & Choice> List<String> keys(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Choice::key).toList();
  }

  /** The constant named {@code value} (any case, surrounding spaces ignored), or null. */
  static <E extends Enum<E> & Choice> E find(Class<E> type, String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.key().equals(v)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The constant named {@code value}.
   *
   * @param key the dotted config key, for the message
   * @throws IllegalArgumentException naming the key, the value and the accepted ones
   */
  static <E extends Enum<E> & Choice> E parse(Class<E> type, String key, String value) {
    E e = find(type, value);
    if (e == null) {
      throw new IllegalArgumentException(key + " = '" + value + "' must be one of "
          + String.join(", ", keys(type)));
    }
    return e;
  }
}
