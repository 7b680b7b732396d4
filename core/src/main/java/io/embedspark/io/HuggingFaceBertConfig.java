package io.embedspark.io;

import io.embedspark.model.Pooling;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.model.EncoderConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Maps a Hugging Face {@code BertConfig} ({@code config.json} of {@code BertModel}, MiniLM,
 * multilingual BERT) or {@code RobertaConfig} / {@code XLMRobertaConfig} (RoBERTa, XLM-R,
 * multilingual-e5, bge-m3) to and from the encoder part of an {@link EncoderConfig}. RoBERTa-family
 * models are BERT's encoder with positions counted from padding_idx + 1 ({@code
 * positionOffset}).
 */
public final class HuggingFaceBertConfig {
  private static final Set<String> BERT_LIKE = Set.of("bert");
  private static final Set<String> ROBERTA_LIKE = Set.of("roberta", "xlm-roberta", "camembert");

  private HuggingFaceBertConfig() {}

  /**
   * Reads a BERT config; the projection gets {@code outputDim} and {@code matryoshkaDims}.
   *
   * @throws CorruptArtifactException naming the file and key when the architecture is not one
   *     this encoder computes exactly (another activation, relative positions, another type)
   */
  public static EncoderConfig read(Path file, int outputDim, List<Integer> matryoshkaDims) {
    JsonNode c = JsonFiles.readTree(file);
    String type = c.path("model_type").asText("bert");
    boolean roberta = ROBERTA_LIKE.contains(type);
    if (!BERT_LIKE.contains(type) && !roberta) {
      throw new CorruptArtifactException(file + ": model_type = '" + type
          + "' is not supported; this encoder imports BERT-layout checkpoints (model_type bert, "
          + "roberta, xlm-roberta, camembert)");
    }
    String act = c.path("hidden_act").asText("gelu");
    if (!act.equals("gelu")) {
      throw new CorruptArtifactException(file + ": hidden_act = '" + act
          + "' is not supported; the encoder computes the exact erf GELU ('gelu')");
    }
    String positions = c.path("position_embedding_type").asText("absolute");
    if (!positions.equals("absolute")) {
      throw new CorruptArtifactException(file + ": position_embedding_type = '" + positions
          + "' is not supported; only 'absolute'");
    }
    int hidden = required(c, "hidden_size", file);
    int out = outputDim > 0 ? outputDim : hidden;
    List<Integer> dims = matryoshkaDims.isEmpty() ? List.of(out) : matryoshkaDims;
    return new EncoderConfig(required(c, "vocab_size", file), hidden,
        required(c, "num_hidden_layers", file), required(c, "num_attention_heads", file),
        required(c, "intermediate_size", file), required(c, "max_position_embeddings", file),
        c.path("type_vocab_size").asInt(2), c.path("layer_norm_eps").asDouble(1e-12),
        c.path("hidden_dropout_prob").asDouble(0.1),
        c.path("attention_probs_dropout_prob").asDouble(0.1), out, dims, Pooling.MEAN,
        roberta ? c.path("pad_token_id").asInt(1) + 1 : 0);
  }

  private static int required(JsonNode c, String key, Path file) {
    JsonNode v = c.get(key);
    if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
      throw new CorruptArtifactException(file + ": key '" + key + "' = " + v
          + " must be a positive integer");
    }
    return v.asInt();
  }

  /**
   * A {@code BertConfig} JSON for the encoder of this config, or a {@code RobertaConfig} when its
   * positions start after a padding index.
   */
  public static ObjectNode write(EncoderConfig m) {
    ObjectNode c = JsonFiles.MAPPER.createObjectNode();
    boolean roberta = m.positionOffset() > 0;
    c.putArray("architectures").add(roberta ? "RobertaModel" : "BertModel");
    c.put("model_type", roberta ? "roberta" : "bert");
    c.put("vocab_size", m.vocabSize());
    c.put("hidden_size", m.hiddenSize());
    c.put("num_hidden_layers", m.numLayers());
    c.put("num_attention_heads", m.numHeads());
    c.put("intermediate_size", m.intermediateSize());
    c.put("max_position_embeddings", m.maxPositions());
    c.put("type_vocab_size", m.typeVocabSize());
    c.put("layer_norm_eps", m.layerNormEps());
    c.put("hidden_act", "gelu");
    c.put("hidden_dropout_prob", m.hiddenDropout());
    c.put("attention_probs_dropout_prob", m.attentionDropout());
    c.put("position_embedding_type", "absolute");
    c.put("initializer_range", 0.02);
    c.put("pad_token_id", roberta ? m.positionOffset() - 1 : 0);
    c.put("torch_dtype", "float32");
    return c;
  }
}
