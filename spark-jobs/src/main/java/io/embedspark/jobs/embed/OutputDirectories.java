package io.embedspark.jobs.embed;

import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Output directories that appear whole or not at all, on any Hadoop file system: a job writes into
 * a hidden staging directory beside the target ({@code .<name>.staging-<uuid>}, which Spark and
 * Hadoop readers skip) and {@link #promote} renames it into place once everything succeeded. A
 * killed job leaves only the staging directory. With overwrite, the old output is first renamed
 * aside ({@code .<name>.replaced-<uuid>}) and deleted after the new one is in place.
 */
final class OutputDirectories {
  private final Configuration conf;

  OutputDirectories(Configuration conf) {
    this.conf = conf;
  }

  /** Fails if {@code target} exists and may not be replaced. */
  void checkWritable(String target, boolean overwrite, String key) {
    Path p = new Path(target);
    try {
      if (p.getFileSystem(conf).exists(p) && !overwrite) {
        throw new InvalidInputException(key + " = " + target + " already exists; choose another "
            + "path or set output.mode: overwrite");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + key + " = " + target, e);
    }
  }

  /** A fresh staging directory path beside {@code target} (not created). */
  String staging(String target) {
    Path p = new Path(target);
    return new Path(p.getParent(), "." + p.getName() + ".staging-" + UUID.randomUUID())
        .toString();
  }

  /** Moves {@code staging} to {@code target}, replacing what was there. */
  void promote(String staging, String target) {
    Path from = new Path(staging);
    Path to = new Path(target);
    try {
      FileSystem fs = to.getFileSystem(conf);
      Path aside = null;
      if (fs.exists(to)) {
        aside = new Path(to.getParent(), "." + to.getName() + ".replaced-" + UUID.randomUUID());
        rename(fs, to, aside);
      }
      rename(fs, from, to);
      if (aside != null) {
        fs.delete(aside, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + staging + " to " + target, e);
    }
  }

  /**
   * Deletes a staging directory after a failure, best effort: tasks of a failed job that are
   * still being killed may write into it for a moment, so it is deleted again until it stays
   * gone (a few seconds at most). A hidden directory left behind is invisible to readers.
   */
  void discard(String staging) {
    Path p = new Path(staging);
    try {
      FileSystem fs = p.getFileSystem(conf);
      for (int attempt = 0; attempt < 10; attempt++) {
        fs.delete(p, true);
        Thread.sleep(300);
        if (!fs.exists(p)) {
          return;
        }
      }
    } catch (IOException ignored) {
      // Nothing visible is left either way: the directory is hidden.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename of " + from + " to " + to + " failed");
    }
  }
}
