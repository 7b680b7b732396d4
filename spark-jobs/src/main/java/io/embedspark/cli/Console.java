package io.embedspark.cli;

import java.util.Locale;

/** What the commands tell the user on standard output, each line marked {@code [embedspark]}. */
public final class Console {
  private Console() {}

  /** Prints one formatted line (root locale, so numbers read the same everywhere). */
  public static void log(String format, Object... args) {
    System.out.println("[embedspark] " + String.format(Locale.ROOT, format, args));
  }
}
