package io.embedspark.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * The files of a checkpoint bundle as bytes, so one broadcast carries the model to every executor.
 * The id is the SHA-256 of the manifest, so equal bundles share one executor-side copy.
 *
 * @param id content id of the bundle
 * @param files file name to content
 */
public record BundleFiles(String id, Map<String, byte[]> files) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Reads every regular file of a bundle directory. */
  public static BundleFiles of(Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list::iterator) {
        if (Files.isRegularFile(p)) {
          files.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read bundle " + dir, e);
    }
    byte[] manifest = files.getOrDefault("manifest.json", new byte[0]);
    return new BundleFiles(DigestUtils.sha256Hex(manifest), files);
  }

  /** Reads every file of a bundle directory on any Hadoop file system. */
  public static BundleFiles of(String dir, org.apache.hadoop.conf.Configuration conf) {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
    Map<String, byte[]> files = new TreeMap<>();
    try {
      org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new io.embedspark.error.InvalidInputException("model = " + dir
            + ": no such checkpoint bundle directory");
      }
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(root)) {
        if (f.isFile()) {
          try (java.io.InputStream in = fs.open(f.getPath())) {
            files.put(f.getPath().getName(), in.readAllBytes());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read bundle " + dir, e);
    }
    byte[] manifest = files.getOrDefault("manifest.json", new byte[0]);
    return new BundleFiles(DigestUtils.sha256Hex(manifest), files);
  }

  /**
   * The bundle's {@code config.json}, read from the bytes without loading the weights (the
   * executors verify the whole bundle when they load it).
   */
  public io.embedspark.io.BundleConfig config() {
    byte[] json = files.get(io.embedspark.io.CheckpointBundle.CONFIG);
    if (json == null) {
      throw new io.embedspark.error.CorruptArtifactException("bundle " + id
          + " has no " + io.embedspark.io.CheckpointBundle.CONFIG);
    }
    try {
      return io.embedspark.io.JsonFiles.MAPPER.readValue(json, io.embedspark.io.BundleConfig.class)
          .validated(io.embedspark.io.CheckpointBundle.CONFIG);
    } catch (IOException e) {
      throw new io.embedspark.error.CorruptArtifactException("bundle " + id + ": "
          + io.embedspark.io.CheckpointBundle.CONFIG + " is not valid: " + e.getMessage(), e);
    }
  }

  /** Writes the files into {@code root/<id>} unless already there, and returns that directory. */
  public Path materialise(Path root) {
    Path dir = root.resolve(id);
    if (Files.isDirectory(dir)) {
      return dir;
    }
    try {
      Files.createDirectories(root);
      Path tmp = Files.createTempDirectory(root, "." + id + ".tmp");
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Files.write(tmp.resolve(e.getKey()), e.getValue());
      }
      try {
        Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        io.embedspark.io.AtomicDirectory.deleteRecursively(tmp);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not materialise bundle " + id + " in " + root, e);
    }
  }
}
