package io.embedspark.jobs.train;

import io.embedspark.io.AtomicDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;

/**
 * A run directory on any Hadoop file system. Trainers write checkpoints, metrics and the model
 * into a local directory; for a remote run directory ({@code hdfs://...}) that local directory is
 * a mirror: opening it pulls the newest complete checkpoint and the metrics from the remote, and
 * every checkpoint written is pushed at once (copied under a hidden name, then renamed), so a
 * driver lost with its disk resumes from the remote copy. A local path is used as it is.
 */
public final class RunDirectory {
  private static final String METRICS = "metrics.jsonl";
  private static final String CURVE = "loss-curve.png";
  private static final String MODEL = "model";
  private final Path local;
  private final org.apache.hadoop.fs.Path remote;
  private final Configuration conf;

  private RunDirectory(Path local, org.apache.hadoop.fs.Path remote, Configuration conf) {
    this.local = local;
    this.remote = remote;
    this.conf = conf;
  }

  /** Opens {@code runDir}: a local path, or a Hadoop URI mirrored locally. */
  public static RunDirectory open(String runDir, Configuration conf) {
    URI uri = URI.create(runDir.replace(" ", "%20"));
    if (uri.getScheme() == null || uri.getScheme().equals("file")) {
      return new RunDirectory(Path.of(uri.getScheme() == null ? runDir : uri.getPath()), null,
          conf);
    }
    Path mirror = Path.of(System.getProperty("java.io.tmpdir"), "embedspark-runs",
        DigestUtils.sha256Hex(runDir).substring(0, 16));
    RunDirectory d = new RunDirectory(mirror, new org.apache.hadoop.fs.Path(runDir), conf);
    d.pull();
    return d;
  }

  /** Where trainers write. */
  public Path local() {
    return local;
  }

  public boolean isRemote() {
    return remote != null;
  }

  /** Replaces the local mirror by the remote's newest complete checkpoint and metrics. */
  private void pull() {
    try {
      AtomicDirectory.deleteRecursively(local);
      Files.createDirectories(local);
      FileSystem fs = remote.getFileSystem(conf);
      if (!fs.exists(remote)) {
        return;
      }
      String newest = null;
      for (FileStatus s : fs.listStatus(remote)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && name.startsWith("step-")
            && fs.exists(new org.apache.hadoop.fs.Path(s.getPath(), "state.json"))
            && (newest == null || name.compareTo(newest) > 0)) {
          newest = name;
        }
      }
      if (newest != null) {
        fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(remote, newest),
            new org.apache.hadoop.fs.Path(local.resolve(newest).toUri()), true);
      }
      org.apache.hadoop.fs.Path metrics = new org.apache.hadoop.fs.Path(remote, METRICS);
      if (fs.exists(metrics)) {
        fs.copyToLocalFile(false, metrics,
            new org.apache.hadoop.fs.Path(local.resolve(METRICS).toUri()), true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read run directory " + remote, e);
    }
  }

  /** Pushes a checkpoint directory just written locally, then the metrics so far. */
  public void pushCheckpoint(Path checkpoint) {
    if (remote == null) {
      return;
    }
    pushDirectory(checkpoint, checkpoint.getFileName().toString());
    push(METRICS);
  }

  /** Pushes the final model, the metrics and the loss curve. */
  public void pushFinal() {
    if (remote == null) {
      return;
    }
    pushDirectory(local.resolve(MODEL), MODEL);
    push(METRICS);
    push(CURVE);
  }

  private void pushDirectory(Path dir, String name) {
    try {
      FileSystem fs = remote.getFileSystem(conf);
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(remote, name);
      org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(remote,
          "." + name + ".tmp-" + UUID.randomUUID());
      fs.mkdirs(remote);
      FileUtil.copy(dir.toFile(), fs, tmp, false, conf);
      if (fs.exists(target)) {
        fs.delete(target, true);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename of " + tmp + " to " + target + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot push " + dir + " to " + remote, e);
    }
  }

  /** Pushes a file of the local run directory (a no-op for a local run directory). */
  public void pushFile(String name) {
    if (remote == null) {
      return;
    }
    push(name);
  }

  private void push(String name) {
    Path file = local.resolve(name);
    if (!Files.exists(file)) {
      return;
    }
    try {
      FileSystem fs = remote.getFileSystem(conf);
      try (var out = fs.create(new org.apache.hadoop.fs.Path(remote, name), true)) {
        out.write(Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot push " + file + " to " + remote, e);
    }
  }

  @Override
  public String toString() {
    return remote == null ? local.toString() : remote + " (mirrored in " + local + ")";
  }
}
