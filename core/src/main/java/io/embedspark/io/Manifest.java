package io.embedspark.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.error.CorruptArtifactException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/** The {@code manifest.json} of a bundle: SHA-256 of each file, checked before anything is read. */
final class Manifest {
  private static final java.util.List<String> REQUIRED = java.util.List.of(
      CheckpointBundle.CONFIG, CheckpointBundle.WEIGHTS, CheckpointBundle.TOKENIZER,
      CheckpointBundle.PROVENANCE);

  private Manifest() {}

  static void write(Path dir, String... files) throws IOException {
    ObjectNode root = JsonFiles.MAPPER.createObjectNode();
    root.put("formatVersion", 1);
    ObjectNode sums = root.putObject("sha256");
    for (String f : files) {
      sums.put(f, Checksums.sha256(dir.resolve(f)));
    }
    JsonFiles.write(dir.resolve(CheckpointBundle.MANIFEST), root);
  }

  static void verify(Path dir) {
    Path manifest = dir.resolve(CheckpointBundle.MANIFEST);
    if (!Files.exists(manifest)) {
      throw new CorruptArtifactException(manifest + " is missing: not a complete bundle");
    }
    JsonNode root = JsonFiles.readTree(manifest);
    if (root.path("formatVersion").asInt(-1) != 1) {
      throw new CorruptArtifactException(manifest + ": formatVersion = "
          + root.path("formatVersion") + ", expected 1");
    }
    JsonNode sums = root.path("sha256");
    for (String required : REQUIRED) {
      if (!sums.has(required)) {
        throw new CorruptArtifactException(manifest + " has no checksum for '" + required
            + "'");
      }
    }
    Iterator<Map.Entry<String, JsonNode>> it = sums.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      Path file = dir.resolve(e.getKey()).normalize();
      if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
        throw new CorruptArtifactException(manifest + " lists '" + e.getKey()
            + "', which is missing from the bundle");
      }
      String actual = Checksums.sha256(file);
      if (!actual.equals(e.getValue().asText())) {
        throw new CorruptArtifactException(file + ": SHA-256 " + actual + " does not match "
            + e.getValue().asText() + " in manifest.json (file corrupt or edited)");
      }
    }
  }

  /**
   * The same checks on a bundle held as bytes (file name to content), before any of it is
   * written or loaded.
   *
   * @param source names the bundle in messages
   * @return the names of the files the manifest lists (each checked)
   */
  static java.util.Set<String> verify(String source, Map<String, byte[]> files) {
    byte[] bytes = files.get(CheckpointBundle.MANIFEST);
    if (bytes == null) {
      throw new CorruptArtifactException(source + ": " + CheckpointBundle.MANIFEST
          + " is missing: not a complete bundle");
    }
    JsonNode root;
    try {
      root = JsonFiles.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new CorruptArtifactException(source + ": " + CheckpointBundle.MANIFEST
          + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root.path("formatVersion").asInt(-1) != 1) {
      throw new CorruptArtifactException(source + ": " + CheckpointBundle.MANIFEST
          + ": formatVersion = " + root.path("formatVersion") + ", expected 1");
    }
    JsonNode sums = root.path("sha256");
    for (String required : REQUIRED) {
      if (!sums.has(required)) {
        throw new CorruptArtifactException(source + ": " + CheckpointBundle.MANIFEST
            + " has no checksum for '" + required + "'");
      }
    }
    java.util.Set<String> listed = new java.util.TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> it = sums.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      listed.add(e.getKey());
      byte[] content = files.get(e.getKey());
      if (content == null) {
        throw new CorruptArtifactException(source + ": " + CheckpointBundle.MANIFEST + " lists '"
            + e.getKey() + "', which is missing from the bundle");
      }
      String actual = org.apache.commons.codec.digest.DigestUtils.sha256Hex(content);
      if (!actual.equals(e.getValue().asText())) {
        throw new CorruptArtifactException(source + "/" + e.getKey() + ": SHA-256 " + actual
            + " does not match " + e.getValue().asText() + " in manifest.json (file corrupt or "
            + "edited)");
      }
    }
    return listed;
  }
}
