package io.embedspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.TinyBundles;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle as shipped to executors: checked against its manifest on the driver, keyed by its
 * whole content, and its executor-side copy verified byte for byte before reuse in a cache only
 * its user can write.
 */
class BundleFilesTest {
  private static Path bundle(Path dir, long seed) {
    TinyBundles.create(seed).write(dir, false);
    return dir;
  }

  @Test
  void aCutWeightsFileFailsOnTheDriverNamingTheUsersBundle(@TempDir Path tmp) throws Exception {
    Path b = bundle(tmp.resolve("model"), 1);
    Path weights = b.resolve(CheckpointBundle.WEIGHTS);
    byte[] all = Files.readAllBytes(weights);
    Files.write(weights, java.util.Arrays.copyOf(all, all.length / 2));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> BundleFiles.of(b.toString(), new org.apache.hadoop.conf.Configuration()));
    assertTrue(e.getMessage().startsWith("model = " + b) && e.getMessage().contains(
        CheckpointBundle.WEIGHTS + ": SHA-256"), e.getMessage());
  }

  @Test
  void aTokenizerTheNativeLibraryAbortsOnFailsOnTheDriverUnderTheLauncher(@TempDir Path tmp)
      throws Exception {
    String aborting;
    try (java.io.InputStream in = BundleFilesTest.class.getResourceAsStream("/io/embedspark/"
        + "fuzz/TokenizerJsonFuzzTestInputs/anyTokenizerJsonLoadsOrIsRefused/"
        + "unigram-without-unk-id")) {
      aborting = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    CheckpointBundle tiny = TinyBundles.create(1);
    Path b = tmp.resolve("model");
    new CheckpointBundle(tiny.config(), tiny.parameters(), aborting, tiny.provenance())
        .write(b, false);
    io.embedspark.tokenize.TokenizerIsolation.enable();
    try {
      CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
          () -> BundleFiles.of(b.toString(), new org.apache.hadoop.conf.Configuration()));
      assertTrue(e.getMessage().startsWith("model = " + b + ": tokenizer.json makes the native "
          + "tokenizers library abort"), e.getMessage());
    } finally {
      io.embedspark.tokenize.TokenizerIsolation.disable();
    }
    // Negative control: a good bundle passes the same check.
    io.embedspark.tokenize.TokenizerIsolation.enable();
    try {
      BundleFiles.of(bundle(tmp.resolve("good"), 1).toString(),
          new org.apache.hadoop.conf.Configuration());
    } finally {
      io.embedspark.tokenize.TokenizerIsolation.disable();
    }
  }

  @Test
  void theIdCoversEveryFileNotJustTheManifest(@TempDir Path tmp) throws Exception {
    BundleFiles one = BundleFiles.of(bundle(tmp.resolve("a"), 1));
    Files.createDirectory(tmp.resolve("b"));
    try (java.util.stream.Stream<Path> list = Files.list(tmp.resolve("a"))) {
      for (Path f : list.toList()) {
        Files.copy(f, tmp.resolve("b").resolve(f.getFileName()));
      }
    }
    BundleFiles same = BundleFiles.of(tmp.resolve("b"));
    BundleFiles other = BundleFiles.of(bundle(tmp.resolve("c"), 2));
    assertTrue(one.id().equals(same.id()), "identical bundles share a copy");
    assertNotEquals(one.id(), other.id());
    Files.writeString(tmp.resolve("b").resolve("NOTES.md"), "a file the manifest does not list");
    assertNotEquals(one.id(), BundleFiles.of(tmp.resolve("b")).id(),
        "a file the manifest does not list still changes the id");
  }

  @Test
  void aCachedCopyThatWasTamperedWithIsReplacedNotUsed(@TempDir Path tmp) throws Exception {
    BundleFiles files = BundleFiles.of(bundle(tmp.resolve("model"), 1));
    Path cache = tmp.resolve("cache");
    Path copy = files.materialise(cache);
    Path weights = copy.resolve(CheckpointBundle.WEIGHTS);
    Files.write(weights, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    Path again = files.materialise(cache);
    assertArrayEquals(files.files().get(CheckpointBundle.WEIGHTS),
        Files.readAllBytes(again.resolve(CheckpointBundle.WEIGHTS)));
    CheckpointBundle.read(again);
  }

  @Test
  void aCacheOthersCanWriteIsRefused(@TempDir Path tmp) throws Exception {
    BundleFiles files = BundleFiles.of(bundle(tmp.resolve("model"), 1));
    Path shared = tmp.resolve("shared-cache");
    Files.createDirectory(shared);
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> files.materialise(shared));
    assertTrue(String.valueOf(e.getCause().getMessage()).contains("rwx------"),
        String.valueOf(e.getCause().getMessage()));
    Path fresh = tmp.resolve("private-cache");
    files.materialise(fresh);
    assertTrue(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))
        .equals("rwx------"), "negative control: a cache it creates is private");
  }
}
