package io.embedspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.codec.digest.DigestUtils;

/** SHA-256 of files, as recorded in manifests and checkpoint states. */
public final class Checksums {
  private Checksums() {}

  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return DigestUtils.sha256Hex(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
