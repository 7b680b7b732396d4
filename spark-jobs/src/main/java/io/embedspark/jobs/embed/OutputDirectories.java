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
 *
 * <p>Only what this project wrote is ever replaced: every output directory carries a
 * {@value #MARKER} file (which Spark, Hadoop and DuckDB's {@code *.parquet} globs skip), and
 * overwrite refuses a directory without one, or anything that is not a directory. An output may
 * not equal, contain or lie inside an input.
 */
final class OutputDirectories {
  /** The file that marks a directory as this project's output. */
  static final String MARKER = "_EMBEDSPARK";

  private final Configuration conf;

  OutputDirectories(Configuration conf) {
    this.conf = conf;
  }

  /**
   * Fails, naming the key, if {@code target} exists and may not be replaced: overwrite is off,
   * or the path is not a directory this project wrote.
   */
  void checkWritable(String target, boolean overwrite, String key) {
    Path p = new Path(target);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        return;
      }
      if (!overwrite) {
        throw new InvalidInputException(key + " = " + target + " already exists; choose another "
            + "path or set output.mode: overwrite");
      }
      if (!fs.getFileStatus(p).isDirectory() || !fs.exists(new Path(p, MARKER))) {
        throw new InvalidInputException(key + " = " + target + " exists but was not written by "
            + "embedspark (no " + MARKER + " file in it); output.mode: overwrite replaces only "
            + "this project's own output. Choose another path, or move it away yourself");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + key + " = " + target, e);
    }
  }

  /**
   * Fails, naming both keys, if the output equals, contains or lies inside the input: replacing
   * it would delete the input, and writing inside it would make the next run read the output.
   */
  void checkSeparate(String output, String outputKey, String input, String inputKey) {
    try {
      Path out = qualified(output);
      Path in = qualified(input);
      if (isAncestorOrSelf(out, in) || isAncestorOrSelf(in, out)) {
        throw new InvalidInputException(outputKey + " = " + output + " overlaps " + inputKey
            + " = " + input + " (equal, or one inside the other); write the output elsewhere");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + output + " or " + input, e);
    }
  }

  /** Writes the marker into a finished staging directory, before it is promoted. */
  void mark(String staging, String description) {
    Path p = new Path(staging, MARKER);
    try (java.io.OutputStream out = p.getFileSystem(conf).create(p, false)) {
      out.write(("Written by embedspark: " + description + "\n"
          + "output.mode: overwrite replaces only directories holding this file.\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p, e);
    }
  }

  private Path qualified(String path) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(conf).makeQualified(p);
  }

  private static boolean isAncestorOrSelf(Path ancestor, Path p) {
    for (Path q = p; q != null; q = q.getParent()) {
      if (q.equals(ancestor)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Deletes what killed runs of this job left beside {@code target}, and only that: a
   * {@code .<name>.staging-*} directory whose claim file ({@link #staging} writes it before
   * Spark writes anything) is beside it, and a {@code .<name>.replaced-*} directory that holds
   * the {@value #MARKER} of an output this job published. A glob such as
   * {@code out/**}{@code /*.parquet} would otherwise find their cut files.
   *
   * @return how many directories were deleted
   */
  int sweepLeftovers(String target) {
    Path p = new Path(target);
    String prefix = "." + p.getName() + ".";
    int swept = 0;
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (p.getParent() == null || !fs.exists(p.getParent())) {
        return 0;
      }
      for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(p.getParent())) {
        String name = s.getPath().getName();
        Path claim = claimOf(s.getPath());
        boolean ours = s.isDirectory() && (name.startsWith(prefix + "staging-")
            ? fs.exists(claim)
            : name.startsWith(prefix + "replaced-") && fs.exists(new Path(s.getPath(), MARKER)));
        if (ours) {
          fs.delete(s.getPath(), true);
          fs.delete(claim, false);
          swept++;
        }
      }
      return swept;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list beside " + target, e);
    }
  }

  /**
   * A fresh staging directory path beside {@code target} (not created), claimed by a hidden
   * file beside it so that only this job's own leftovers are ever swept.
   */
  String staging(String target) {
    Path p = new Path(target);
    Path staging = new Path(p.getParent(), "." + p.getName() + ".staging-" + UUID.randomUUID());
    Path claim = claimOf(staging);
    try (java.io.OutputStream out = claim.getFileSystem(conf).create(claim, false)) {
      out.write(("Claims " + staging.getName() + " for the embedspark embed job writing "
          + p.getName() + ".\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + claim, e);
    }
    return staging.toString();
  }

  /** The claim file of a staging directory: {@code <staging>.claim}, beside it. */
  private static Path claimOf(Path staging) {
    return new Path(staging.getParent(), staging.getName() + ".claim");
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
      fs.delete(claimOf(from), false);
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
          fs.delete(claimOf(p), false);
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
