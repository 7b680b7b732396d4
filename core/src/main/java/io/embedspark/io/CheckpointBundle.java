package io.embedspark.io;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ParameterNames;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A checkpoint bundle: one directory holding {@code config.json} ({@link BundleConfig}),
 * {@code model.safetensors} (parameters named as Hugging Face's {@code BertModel} plus
 * {@code projection.*}), {@code tokenizer.json}, {@code provenance.json} and
 * {@code manifest.json} with the SHA-256 of every other file. Written to a temporary sibling
 * directory and renamed into place, so a reader never sees half a bundle.
 */
public record CheckpointBundle(BundleConfig config, ModelParameters parameters,
    String tokenizerJson, Provenance provenance) {

  public CheckpointBundle {
    config.validated("checkpoint config");
  }

  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String TOKENIZER = "tokenizer.json";
  public static final String PROVENANCE = "provenance.json";
  public static final String MANIFEST = "manifest.json";

  /** Reads and verifies a bundle: checksums, format version, tensor names and shapes. */
  /**
   * Checks a bundle held as bytes (file name to content) against its manifest, as {@link #read}
   * checks a directory: for the driver of a Spark job, before anything is shipped.
   *
   * @param source names the bundle in messages (the user's path)
   * @return the names of the files the manifest lists, each checked against its checksum
   * @throws CorruptArtifactException naming the source and the file
   */
  public static java.util.Set<String> verify(String source,
      java.util.Map<String, byte[]> files) {
    return Manifest.verify(source, files);
  }

  public static CheckpointBundle read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException("checkpoint bundle not found: " + dir
          + " is not a directory");
    }
    Manifest.verify(dir);
    BundleConfig config = JsonFiles.read(dir.resolve(CONFIG), BundleConfig.class)
        .validated(dir.resolve(CONFIG).toString());
    var tensors = SafetensorsReader.read(dir.resolve(WEIGHTS)).tensors();
    ModelParameters params = ModelParameters.of(tensors, config.model(),
        dir.resolve(WEIGHTS).toString()).requireFinite(dir.resolve(WEIGHTS).toString());
    Provenance provenance = JsonFiles.read(dir.resolve(PROVENANCE), Provenance.class);
    String tokenizer = readString(dir.resolve(TOKENIZER));
    return new CheckpointBundle(config, params, tokenizer, provenance);
  }

  /**
   * Writes the bundle into {@code dir}, replacing an existing bundle there only when
   * {@code overwrite} is set. The directory appears complete or not at all.
   */
  public void write(Path dir, boolean overwrite) {
    AtomicDirectory.write(dir, overwrite, this::writeFiles);
  }

  private void writeFiles(Path dir) throws IOException {
    JsonFiles.write(dir.resolve(CONFIG), config);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    metadata.put("producer", "embedspark " + CodeVersion.get());
    SafetensorsWriter.write(dir.resolve(WEIGHTS), parameters.tensors(), metadata);
    Files.writeString(dir.resolve(TOKENIZER), tokenizerJson, StandardCharsets.UTF_8);
    JsonFiles.write(dir.resolve(PROVENANCE), provenance);
    Manifest.write(dir, CONFIG, WEIGHTS, TOKENIZER, PROVENANCE);
  }

  /** The tokenizer of this bundle, truncating at the bundle's maximum sequence length. */
  public TextTokenizer tokenizer() {
    return new TextTokenizer(tokenizerJson, config.maxSequenceLength());
  }

  /** An inference model built from this bundle. */
  public EmbeddingModel toModel(DataType dtype) {
    return EmbeddingModel.create(config.model(), parameters, tokenizer(), dtype);
  }

  /** The same bundle with other parameters (after training) and provenance. */
  public CheckpointBundle with(ModelParameters newParameters, Provenance newProvenance) {
    return new CheckpointBundle(config, newParameters, tokenizerJson, newProvenance);
  }

  /** The same bundle pooling token states another way. */
  public CheckpointBundle withPooling(io.embedspark.model.Pooling pooling) {
    if (pooling == config.model().pooling()) {
      return this;
    }
    return new CheckpointBundle(config.withModel(config.model().withPooling(pooling)),
        parameters, tokenizerJson, provenance);
  }

  /**
   * The same bundle truncating texts at {@code tokens} tokens: a model trained on short texts
   * can embed longer ones, up to its positions.
   *
   * @param key names the setting in the error, e.g. {@code max_length}
   */
  public CheckpointBundle withMaxSequenceLength(int tokens, String key) {
    return new CheckpointBundle(config.withMaxSequenceLength(tokens, key), parameters,
        tokenizerJson, provenance);
  }

  /** The same bundle declaring the model's own prompts (null: the Gemini task prompts). */
  public CheckpointBundle withPrompts(io.embedspark.data.ModelPrompts prompts) {
    return new CheckpointBundle(config.withPrompts(prompts), parameters, tokenizerJson,
        provenance);
  }

  /**
   * The bundle cut to its first {@code layers} transformer layers (a cheaper encoder from a deep
   * pretrained one); the embeddings, projection and tokenizer are kept.
   */
  public CheckpointBundle withFirstLayers(int layers) {
    EncoderConfig m = config.model();
    if (layers <= 0 || layers > m.numLayers()) {
      throw new InvalidInputException("layers = " + layers + " must be in 1.." + m.numLayers());
    }
    if (layers == m.numLayers()) {
      return this;
    }
    EncoderConfig cut = m.withLayers(layers);
    Map<String, FloatTensor> kept = new LinkedHashMap<>();
    for (String name : ParameterNames.all(cut)) {
      kept.put(name, parameters.get(name));
    }
    return new CheckpointBundle(config.withModel(cut),
        ModelParameters.of(kept, cut, "first " + layers + " layers"), tokenizerJson, provenance);
  }

  public static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CorruptArtifactException("missing file " + file);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new CorruptArtifactException(file + " is not UTF-8 text (" + e + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Guard against a bundle whose tokenizer has more ids than the embedding table has rows. */
  public CheckpointBundle checkTokenizerFits() {
    int ids = tokenizer().vocabSize();
    if (ids > config.model().vocabSize()) {
      throw new CorruptArtifactException("tokenizer.json produces " + ids
          + " ids but model.vocabSize = " + config.model().vocabSize());
    }
    return this;
  }
}
