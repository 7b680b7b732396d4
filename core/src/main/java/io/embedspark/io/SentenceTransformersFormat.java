package io.embedspark.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.data.ModelPrompts;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import io.embedspark.model.Pooling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads the directory layout that {@code sentence_transformers.SentenceTransformer}
 * loads (Reimers and Gurevych 2019, arXiv 1908.10084): a Transformer module at the root
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}), {@code 1_Pooling}
 * (mean or CLS), {@code 2_Dense} (the projection, identity activation) and {@code 3_Normalize}.
 */
public final class SentenceTransformersFormat {
  private static final String POOLING = "1_Pooling";
  private static final String MEAN_MODE = "pooling_mode_mean_tokens";
  private static final String CLS_MODE = "pooling_mode_cls_token";
  private static final String DENSE = "2_Dense";
  private static final String NORMALIZE = "3_Normalize";
  private static final String IDENTITY = "torch.nn.modules.linear.Identity";

  private SentenceTransformersFormat() {}

  /** Exports a bundle; the directory is written to a temporary sibling and renamed. */
  public static void write(CheckpointBundle bundle, Path dir, boolean overwrite) {
    AtomicDirectory.write(dir, overwrite, d -> writeFiles(bundle, d));
  }

  private static void writeFiles(CheckpointBundle bundle, Path dir) throws IOException {
    EncoderConfig m = bundle.config().model();
    Map<String, FloatTensor> encoder = new LinkedHashMap<>(bundle.parameters().tensors());
    FloatTensor weight = encoder.remove(ParameterNames.PROJECTION + ".weight");
    FloatTensor bias = encoder.remove(ParameterNames.PROJECTION + ".bias");
    JsonFiles.write(dir.resolve("config.json"), HuggingFaceBertConfig.write(m));
    SafetensorsWriter.write(dir.resolve("model.safetensors"), encoder, Map.of("format", "pt"));
    Files.writeString(dir.resolve("tokenizer.json"), bundle.tokenizerJson(),
        StandardCharsets.UTF_8);
    JsonFiles.write(dir.resolve("tokenizer_config.json"), tokenizerConfig(bundle));
    ObjectNode st = JsonFiles.MAPPER.createObjectNode();
    st.put("max_seq_length", bundle.config().maxSequenceLength());
    st.put("do_lower_case", false);
    JsonFiles.write(dir.resolve("sentence_bert_config.json"), st);
    JsonFiles.write(dir.resolve("modules.json"), modules());
    JsonFiles.write(dir.resolve("config_sentence_transformers.json"),
        stConfig(bundle.config().prompts()));
    Files.createDirectories(dir.resolve(POOLING));
    JsonFiles.write(dir.resolve(POOLING).resolve("config.json"), pooling(m));
    Files.createDirectories(dir.resolve(DENSE));
    JsonFiles.write(dir.resolve(DENSE).resolve("config.json"), dense(m));
    SafetensorsWriter.write(dir.resolve(DENSE).resolve("model.safetensors"),
        linkedMap("linear.weight", weight, "linear.bias", bias), Map.of("format", "pt"));
    Files.createDirectories(dir.resolve(NORMALIZE));
    JsonFiles.write(dir.resolve("embedspark_provenance.json"), bundle.provenance());
  }

  private static Map<String, FloatTensor> linkedMap(String k1, FloatTensor v1, String k2,
      FloatTensor v2) {
    Map<String, FloatTensor> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static ObjectNode tokenizerConfig(CheckpointBundle bundle) {
    ObjectNode t = JsonFiles.MAPPER.createObjectNode();
    t.put("tokenizer_class", bundle.config().model().positionOffset() > 0
        ? "PreTrainedTokenizerFast" : "BertTokenizer");
    t.put("model_max_length", bundle.config().maxSequenceLength());
    return t;
  }

  private static ArrayNode modules() {
    ArrayNode a = JsonFiles.MAPPER.createArrayNode();
    module(a, 0, "", "sentence_transformers.models.Transformer");
    module(a, 1, POOLING, "sentence_transformers.models.Pooling");
    module(a, 2, DENSE, "sentence_transformers.models.Dense");
    module(a, 3, NORMALIZE, "sentence_transformers.models.Normalize");
    return a;
  }

  private static void module(ArrayNode a, int idx, String path, String type) {
    ObjectNode m = a.addObject();
    m.put("idx", idx);
    m.put("name", Integer.toString(idx));
    m.put("path", path);
    m.put("type", type);
  }

  /**
   * sentence-transformers' own config; a model's prompts become its {@code query} and {@code
   * document} prompts when they are plain prefixes (templates with a title have no equivalent
   * and are left out).
   */
  private static ObjectNode stConfig(ModelPrompts prompts) {
    ObjectNode c = JsonFiles.MAPPER.createObjectNode();
    c.putObject("__version__").put("sentence_transformers", "3.0.0");
    ObjectNode p = c.putObject("prompts");
    if (prompts != null && prompts.prefixes() != null) {
      p.put("query", prompts.prefixes()[0]);
      p.put("document", prompts.prefixes()[1]);
    }
    c.putNull("default_prompt_name");
    c.put("similarity_fn_name", "cosine");
    return c;
  }

  private static ObjectNode pooling(EncoderConfig m) {
    int hidden = m.hiddenSize();
    ObjectNode p = JsonFiles.MAPPER.createObjectNode();
    p.put("word_embedding_dimension", hidden);
    p.put(CLS_MODE, m.pooling() == Pooling.CLS);
    p.put(MEAN_MODE, m.pooling() == Pooling.MEAN);
    p.put("pooling_mode_max_tokens", false);
    p.put("pooling_mode_mean_sqrt_len_tokens", false);
    p.put("pooling_mode_weightedmean_tokens", false);
    p.put("pooling_mode_lasttoken", false);
    p.put("include_prompt", true);
    return p;
  }

  private static ObjectNode dense(EncoderConfig m) {
    ObjectNode d = JsonFiles.MAPPER.createObjectNode();
    d.put("in_features", m.hiddenSize());
    d.put("out_features", m.outputDim());
    d.put("bias", true);
    d.put("activation_function", IDENTITY);
    return d;
  }

  /**
   * Reads a sentence-transformers directory whose modules are a BERT Transformer, mean or CLS Pooling,
   * an optional identity-activation Dense and an optional Normalize. Without Dense the projection
   * is the identity.
   */
  public static CheckpointBundle read(Path dir, List<Integer> matryoshkaDims) {
    JsonNode modules = JsonFiles.readTree(dir.resolve("modules.json"));
    Path transformer = null;
    Path dense = null;
    Pooling pooling = Pooling.MEAN;
    for (JsonNode m : modules) {
      String type = m.path("type").asText();
      Path path = dir.resolve(m.path("path").asText());
      switch (type.substring(type.lastIndexOf('.') + 1)) {
        case "Transformer" -> transformer = path;
        case "Pooling" -> pooling = readPooling(path.resolve("config.json"));
        case "Dense" -> dense = path;
        case "Normalize" -> { }
        default -> throw new CorruptArtifactException(dir.resolve("modules.json")
            + ": module type '" + type + "' is not supported (Transformer, Pooling, Dense, "
            + "Normalize are)");
      }
    }
    if (transformer == null) {
      throw new CorruptArtifactException(dir.resolve("modules.json")
          + " has no sentence_transformers.models.Transformer module");
    }
    return (dense == null ? readWithoutDense(dir, transformer, matryoshkaDims)
        : readWithDense(dir, transformer, dense, matryoshkaDims)).withPooling(pooling)
        .withPrompts(readPrompts(dir.resolve("config_sentence_transformers.json")));
  }

  /**
   * The model's prompts from {@code config_sentence_transformers.json}: its {@code query} prompt
   * and its {@code document} (or {@code passage}) prompt, prefixes both; null when it declares
   * neither.
   */
  static ModelPrompts readPrompts(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    JsonNode prompts = JsonFiles.readTree(file).path("prompts");
    String query = prompts.path("query").asText("");
    String document = prompts.has("document") ? prompts.path("document").asText("")
        : prompts.path("passage").asText("");
    if (query.isEmpty() && document.isEmpty()) {
      return null;
    }
    if (query.contains("{") || document.contains("{")) {
      throw new CorruptArtifactException(file + ": prompts must be plain prefixes, without "
          + "braces: query = '" + query + "', document = '" + document + "'");
    }
    return ModelPrompts.ofPrefixes(query, document);
  }

  private static CheckpointBundle readWithoutDense(Path dir, Path transformer,
      List<Integer> dims) {
    return HuggingFaceImporter.read(transformer, new ImportOptions(0, dims,
        maxSeqLength(dir), ProjectionInit.IDENTITY, 0L));
  }

  private static CheckpointBundle readWithDense(Path dir, Path transformer, Path dense,
      List<Integer> dims) {
    JsonNode d = JsonFiles.readTree(dense.resolve("config.json"));
    String act = d.path("activation_function").asText(IDENTITY);
    if (!act.equals(IDENTITY)) {
      throw new CorruptArtifactException(dense.resolve("config.json") + ": activation_function = '"
          + act + "' is not supported; the projection is linear (" + IDENTITY + ")");
    }
    int out = d.path("out_features").asInt();
    CheckpointBundle encoder = HuggingFaceImporter.read(transformer, new ImportOptions(out, dims, maxSeqLength(dir), ProjectionInit.RANDOM, 0L));
    Map<String, FloatTensor> all = new LinkedHashMap<>(encoder.parameters().tensors());
    Path file = dense.resolve("model.safetensors");
    var linear = SafetensorsReader.read(file).tensors();
    all.put(ParameterNames.PROJECTION + ".weight", requireTensor(linear, "linear.weight", file));
    FloatTensor bias = linear.get("linear.bias");
    all.put(ParameterNames.PROJECTION + ".bias",
        bias != null ? bias : new FloatTensor(new long[] {out}, new float[out]));
    EncoderConfig config = encoder.config().model();
    Provenance provenance = Provenance.now("import:sentence-transformers:" + dir.toAbsolutePath(),
        List.of(), 0L, null, null);
    return new CheckpointBundle(encoder.config(), ModelParameters.of(all, config, file.toString())
        .requireFinite(file.toString()),
        encoder.tokenizerJson(), provenance);
  }

  private static FloatTensor requireTensor(Map<String, FloatTensor> t, String name, Path file) {
    FloatTensor v = t.get(name);
    if (v == null) {
      throw new CorruptArtifactException(file + ": missing tensor '" + name + "'");
    }
    return v;
  }

  /**
   * The pooling a {@code 1_Pooling/config.json} sets: exactly one of {@code
   * pooling_mode_mean_tokens} and {@code pooling_mode_cls_token} true, every other mode false.
   */
  private static Pooling readPooling(Path config) {
    JsonNode p = JsonFiles.readTree(config);
    List<String> set = new java.util.ArrayList<>();
    for (var it = p.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().startsWith("pooling_mode_") && e.getValue().asBoolean(false)) {
        set.add(e.getKey());
      }
    }
    if (set.equals(List.of(MEAN_MODE))) {
      return Pooling.MEAN;
    }
    if (set.equals(List.of(CLS_MODE))) {
      return Pooling.CLS;
    }
    throw new CorruptArtifactException(config + ": pooling modes set: " + set + "; supported is "
        + "exactly one of " + MEAN_MODE + " (mean) and " + CLS_MODE + " (CLS)");
  }

  private static int maxSeqLength(Path dir) {
    Path f = dir.resolve("sentence_bert_config.json");
    return Files.exists(f) ? JsonFiles.readTree(f).path("max_seq_length").asInt(512) : 512;
  }
}
