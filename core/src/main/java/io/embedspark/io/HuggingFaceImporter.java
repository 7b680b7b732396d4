package io.embedspark.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
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
 * Imports a BERT-family checkpoint in Hugging Face layout ({@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json} or {@code vocab.txt}) as a bundle, keeping the
 * encoder and adding a projection. Tensor names may carry a {@code bert.} or {@code roberta.}
 * prefix (as saved by {@code BertForMaskedLM}, {@code XLMRobertaForMaskedLM}); pooler and task
 * heads are dropped.
 */
public final class HuggingFaceImporter {
  private HuggingFaceImporter() {}

  /** Reads the checkpoint in {@code dir} into a bundle (not yet written anywhere). */
  public static CheckpointBundle read(Path dir, ImportOptions options) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException("Hugging Face checkpoint not found: " + dir);
    }
    Path weights = dir.resolve("model.safetensors");
    if (!Files.exists(weights)) {
      throw new InvalidInputException(dir + " has no model.safetensors (PyTorch .bin files are "
          + "not read; convert them with the safetensors library first)");
    }
    EncoderConfig config = HuggingFaceBertConfig.read(dir.resolve("config.json"),
        options.outputDim(), options.matryoshkaDims());
    Map<String, FloatTensor> encoder =
        encoderTensors(SafetensorsReader.read(weights).tensors(), weights);
    ModelParameters params = ModelParameters.of(
        options.projection().complete(encoder, config, options.seed()), config,
        weights.toString()).requireFinite(weights.toString());
    int maxLength = config.sequenceLength(options.maxSequenceLength());
    String tokenizer = tokenizerJson(dir);
    Provenance provenance = Provenance.now("import:huggingface:" + dir.toAbsolutePath(),
        List.of(), options.seed(), JsonFiles.MAPPER.valueToTree(options), null);
    return new CheckpointBundle(BundleConfig.of(config, maxLength), params, tokenizer,
        provenance).checkTokenizerFits();
  }

  /** The encoder's tensors under their {@code BertModel} names, heads and buffers dropped. */
  static Map<String, FloatTensor> encoderTensors(Map<String, FloatTensor> all, Path source) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : all.entrySet()) {
      String name = legacyLayerNormName(withoutModelPrefix(e.getKey()));
      if (name.startsWith("pooler.") || name.startsWith("cls.") || name.startsWith("lm_head.")
          || name.equals("embeddings.position_ids")) {
        continue;
      }
      if (out.put(name, e.getValue()) != null) {
        throw new CorruptArtifactException(source + ": tensor '" + name
            + "' appears both with and without a model prefix ('bert.', 'roberta.')");
      }
    }
    return out;
  }

  private static String withoutModelPrefix(String name) {
    for (String prefix : new String[] {"bert.", "roberta."}) {
      if (name.startsWith(prefix)) {
        return name.substring(prefix.length());
      }
    }
    return name;
  }

  /** Old BERT checkpoints name layer-norm tensors {@code gamma} and {@code beta}. */
  private static String legacyLayerNormName(String name) {
    if (name.endsWith("LayerNorm.gamma")) {
      return name.substring(0, name.length() - "gamma".length()) + "weight";
    }
    if (name.endsWith("LayerNorm.beta")) {
      return name.substring(0, name.length() - "beta".length()) + "bias";
    }
    return name;
  }

  /** tokenizer.json if present, else a WordPiece tokenizer built from vocab.txt. */
  static String tokenizerJson(Path dir) {
    Path json = dir.resolve("tokenizer.json");
    if (Files.exists(json)) {
      return CheckpointBundle.readString(json);
    }
    Path vocab = dir.resolve("vocab.txt");
    if (!Files.exists(vocab)) {
      throw new InvalidInputException(dir + " has neither tokenizer.json nor vocab.txt");
    }
    boolean lowercase = true;
    Path tokConfig = dir.resolve("tokenizer_config.json");
    if (Files.exists(tokConfig)) {
      JsonNode t = JsonFiles.readTree(tokConfig);
      lowercase = t.path("do_lower_case").asBoolean(true);
    }
    return TokenizerJson.wordPiece(readVocab(vocab), lowercase);
  }

  /** The lines of a BERT {@code vocab.txt}: line i is the token with id i. */
  public static List<String> readVocab(Path vocab) {
    try {
      return Files.readAllLines(vocab);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
