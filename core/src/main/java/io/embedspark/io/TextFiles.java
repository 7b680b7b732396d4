package io.embedspark.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a small text file whole or not at all: the text goes to a hidden sibling first, which is
 * then renamed over the file, so a crash mid-write leaves the previous file (or none), never half
 * of the new one.
 */
public final class TextFiles {
  private TextFiles() {}

  /**
   * Writes {@code text} as UTF-8 to {@code file}, replacing an existing file by rename; creates
   * the parent directories.
   *
   * @throws UncheckedIOException naming {@code file} when it cannot be written
   */
  public static void writeAtomically(Path file, CharSequence text) {
    Path target = file.toAbsolutePath().normalize();
    writeAtomically(file, text, "." + target.getFileName() + ".tmp-" + System.nanoTime());
  }

  /**
   * As {@link #writeAtomically(Path, CharSequence)} through the sibling {@code tmpName}, which
   * must not exist: a file already there is someone else's, so the write fails and leaves it.
   */
  static void writeAtomically(Path file, CharSequence text, String tmpName) {
    Path target = file.toAbsolutePath().normalize();
    Path tmp = target.resolveSibling(tmpName);
    boolean created = false;
    try {
      Files.createDirectories(target.getParent());
      Files.createFile(tmp);
      created = true;
      Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      if (created) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
