package io.embedspark.config;

import java.util.List;
import java.util.Locale;

/**
 * The checks every job config runs on its values, written once: each adds a problem naming the
 * dotted key as the user types it in the YAML, the value found and the rule, so a config reports
 * all its problems at once.
 */
public final class Checks {
  private Checks() {}

  public static void positive(List<String> problems, String key, long value) {
    if (value <= 0) {
      problems.add(key + " = " + value + " must be positive");
    }
  }

  public static void nonNegative(List<String> problems, String key, double value) {
    if (!(value >= 0)) {
      problems.add(key + " = " + value + " must not be negative");
    }
  }

  /** A rate in [0, 1). */
  public static void probability(List<String> problems, String key, double value) {
    if (!(value >= 0 && value < 1)) {
      problems.add(key + " = " + value + " must be in [0, 1)");
    }
  }

  /** {@code value} names a constant of {@code type}. */
  public static <E extends Enum<E> & Choice> void oneOf(List<String> problems, String key,
      String value, Class<E> type) {
    if (Choice.find(type, value) == null) {
      problems.add(key + " = '" + value + "' must be one of "
          + String.join(", ", Choice.keys(type)));
    }
  }

  /** {@code value}, or {@code fallback} when it is absent or blank. */
  public static String or(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  public static int or(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  public static double or(Double value, double fallback) {
    return value == null ? fallback : value;
  }

  /** {@code value} trimmed and lower-cased, or {@code fallback} when absent or blank. */
  public static String lower(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim().toLowerCase(Locale.ROOT);
  }
}
