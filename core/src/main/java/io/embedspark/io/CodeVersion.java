package io.embedspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this code, from the build (Maven resource filtering). */
public final class CodeVersion {
  private static final String VERSION = load();

  private CodeVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = CodeVersion.class.getResourceAsStream("/embedspark-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
