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
 * The bundle is checked against its manifest when read, so a corrupt bundle fails on the driver,
 * naming the user's path, before Spark starts work. The id covers every file (the verified
 * manifest, and any file it does not list), so only identical bundles share an executor-side
 * copy, and that copy is checked byte for byte before it is reused.
 *
 * <p>A job may embed with another maximum length than the bundle's ({@link #withMaxLength}): the
 * files stay as they are, and the executors truncate at the job's length.
 *
 * @param id content id of the bundle
 * @param files file name to content
 * @param maxLength tokens per text the job embeds with; null for the bundle's own
 */
public record BundleFiles(String id, Map<String, byte[]> files, Integer maxLength)
    implements Serializable {
  private static final long serialVersionUID = 2L;

  /**
   * The same files truncating texts at {@code tokens} tokens instead of the bundle's length
   * (null: the bundle's).
   *
   * @param key names the setting in the error, e.g. {@code max_length}
   * @throws io.embedspark.error.InvalidInputException beyond the model's positions
   */
  public BundleFiles withMaxLength(Integer tokens, String key) {
    if (tokens == null) {
      return this;
    }
    bundleConfig().withMaxSequenceLength(tokens, key);
    return new BundleFiles(id, files, tokens);
  }

  /**
   * What an executor keeps one model for: the content id, and the length when the job sets
   * its own.
   */
  public String modelKey() {
    return maxLength == null ? id : id + "@" + maxLength;
  }

  /** The bundle as the job uses it: read from its files, truncating at the job's length. */
  public io.embedspark.io.CheckpointBundle read(Path cacheRoot) {
    io.embedspark.io.CheckpointBundle bundle =
        io.embedspark.io.CheckpointBundle.read(materialise(cacheRoot));
    return maxLength == null ? bundle : bundle.withMaxSequenceLength(maxLength, "max_length");
  }

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
    return verified(dir.toString(), files);
  }

  /**
   * The files checked against their manifest, with the content id: the SHA-256 of the manifest
   * (which fixes every file it lists, now checked) and of the name, length and content of any
   * file it does not list, so each byte is hashed once.
   */
  private static BundleFiles verified(String source, Map<String, byte[]> files) {
    java.util.Set<String> listed = io.embedspark.io.CheckpointBundle.verify(source, files);
    java.security.MessageDigest sha = DigestUtils.getSha256Digest();
    sha.update(files.get(io.embedspark.io.CheckpointBundle.MANIFEST));
    for (Map.Entry<String, byte[]> e : new TreeMap<>(files).entrySet()) {
      if (listed.contains(e.getKey())
          || e.getKey().equals(io.embedspark.io.CheckpointBundle.MANIFEST)) {
        continue;
      }
      byte[] name = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      sha.update(java.nio.ByteBuffer.allocate(8).putInt(name.length)
          .putInt(e.getValue().length).array());
      sha.update(name);
      sha.update(e.getValue());
    }
    return new BundleFiles(org.apache.commons.codec.binary.Hex.encodeHexString(sha.digest()),
        files, null);
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
          files.put(f.getPath().getName(), readFully(fs, f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read bundle " + dir, e);
    }
    return verified("model = " + dir, files).tokenizerChecked(dir);
  }

  /**
   * Under the launcher, loads the bundle's tokenizer once on the driver, which loads it in a child
   * JVM first ({@link io.embedspark.tokenize.TokenizerIsolation}): a tokenizer.json the native
   * library aborts on then fails the job here, naming the bundle, before any executor meets it.
   */
  private BundleFiles tokenizerChecked(String dir) {
    byte[] json = files.get(io.embedspark.io.CheckpointBundle.TOKENIZER);
    if (json == null || !io.embedspark.tokenize.TokenizerIsolation.enabled()) {
      return this;
    }
    try (io.embedspark.tokenize.TextTokenizer t = new io.embedspark.tokenize.TextTokenizer(
        new String(json, java.nio.charset.StandardCharsets.UTF_8),
        config().maxSequenceLength())) {
      return this;
    } catch (io.embedspark.error.CorruptArtifactException e) {
      throw new io.embedspark.error.CorruptArtifactException("model = " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** A file's bytes, read into one array of its length rather than a growing buffer. */
  private static byte[] readFully(org.apache.hadoop.fs.FileSystem fs,
      org.apache.hadoop.fs.FileStatus f) throws IOException {
    if (f.getLen() > Integer.MAX_VALUE - 8) {
      throw new io.embedspark.error.InvalidInputException(f.getPath() + " is "
          + f.getLen() + " bytes; a bundle file must be under 2 GiB");
    }
    byte[] bytes = new byte[(int) f.getLen()];
    try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(f.getPath(), 1 << 20)) {
      org.apache.hadoop.io.IOUtils.readFully(in, bytes, 0, bytes.length);
    }
    return bytes;
  }

  /**
   * The bundle's {@code config.json}, read from the bytes without loading the weights (the
   * executors verify the whole bundle when they load it), with the job's length if it sets one.
   */
  public io.embedspark.io.BundleConfig config() {
    io.embedspark.io.BundleConfig config = bundleConfig();
    return maxLength == null ? config : config.withMaxSequenceLength(maxLength, "max_length");
  }

  private io.embedspark.io.BundleConfig bundleConfig() {
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

  /** The SHA-256 of the bundle's manifest.json, which fixes every file's checksum. */
  public String manifestSha256() {
    return DigestUtils.sha256Hex(files.get(io.embedspark.io.CheckpointBundle.MANIFEST));
  }

  /**
   * The executor-side cache of bundles: {@code <java.io.tmpdir>/embedspark-bundles-<user>},
   * readable by its owner only.
   */
  public static Path cacheRoot() {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "embedspark-bundles-" + user);
  }

  /**
   * Writes the files into {@code root/<id>} unless an identical copy is already there, and
   * returns that directory. A copy that differs in any byte (edited, cut, or planted) is
   * replaced; a root that is not a private directory of this user is refused.
   */
  public Path materialise(Path root) {
    Path dir = root.resolve(id);
    try {
      privateDirectory(root);
      if (Files.isDirectory(dir)) {
        if (sameFiles(dir)) {
          return dir;
        }
        io.embedspark.io.AtomicDirectory.deleteRecursively(dir);
      }
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

  private boolean sameFiles(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      if (list.count() != files.size()) {
        return false;
      }
    }
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path f = dir.resolve(e.getKey());
      if (!Files.isRegularFile(f) || Files.size(f) != e.getValue().length
          || !java.util.Arrays.equals(Files.readAllBytes(f), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Creates {@code root} as rwx------, or checks that an existing one is ours and private. */
  private static void privateDirectory(Path root) throws IOException {
    boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.exists(root)) {
      Files.createDirectories(root.getParent());
      try {
        if (posix) {
          Files.createDirectory(root, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectory(root);
        }
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // Another task made it first: checked below like any existing root.
      }
    }
    if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(root + " is not a directory");
    }
    if (posix) {
      String owner = Files.getOwner(root, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName();
      java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
          Files.getPosixFilePermissions(root, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (!owner.equals(System.getProperty("user.name"))
          || perms.stream().anyMatch(p -> p.name().startsWith("GROUP")
              || p.name().startsWith("OTHERS"))) {
        throw new IOException("the bundle cache " + root + " must be a directory of "
            + System.getProperty("user.name") + " only (rwx------); it is owned by " + owner
            + " with " + java.nio.file.attribute.PosixFilePermissions.toString(perms));
      }
    }
  }
}
