package io.embedspark.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Puts a finished directory in place by rename, so readers see the old one or the new one. */
public final class AtomicDirectory {
  private AtomicDirectory() {}

  /** Writes the files of a directory. */
  @FunctionalInterface
  public interface Writer {
    void write(Path dir) throws IOException;
  }

  /**
   * Writes a directory with {@code writer} into a temporary sibling of {@code target} and renames
   * it into place; an existing target is replaced only when {@code overwrite} is set.
   */
  public static void write(Path target, boolean overwrite, Writer writer) {
    Path dir = target.toAbsolutePath().normalize();
    if (Files.exists(dir) && !overwrite) {
      throw new io.embedspark.error.InvalidInputException(dir + " already exists; choose "
          + "another output or allow overwriting");
    }
    try {
      Files.createDirectories(dir.getParent());
      Path tmp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".tmp");
      fill(tmp, writer);
      readableByAll(tmp);
      replace(tmp, dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("could not write " + dir, e);
    }
  }

  /** Temporary directories are private (rwx------); a finished one gets the usual rwxr-xr-x. */
  private static void readableByAll(Path dir) throws IOException {
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(dir,
          java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /** Runs the writer on a temporary directory, deleting the directory if the writer fails. */
  public static void fill(Path tmp, Writer writer) throws IOException {
    try {
      writer.write(tmp);
    } catch (IOException | RuntimeException | Error e) {
      try {
        deleteRecursively(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Moves {@code finished} to {@code target}. An existing target is first renamed aside and
   * deleted only once the new directory is in place.
   */
  public static void replace(Path finished, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
      move(target, old);
    }
    move(finished, target);
    if (old != null) {
      deleteRecursively(old);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes a directory tree; a missing path is not an error. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
