package io.embedspark.io;

import io.embedspark.model.Pooling;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.data.ModelPrompts;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ParameterNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Tests exporting to and importing from the sentence-transformers directory layout. */
class SentenceTransformersFormatTest {
  private static CheckpointBundle bundle;

  @TempDir Path tmp;

  @BeforeAll
  static void create() {
    bundle = TinyBundles.create(3);
  }

  private Path exported() {
    Path dir = tmp.resolve("st");
    SentenceTransformersFormat.write(bundle, dir, false);
    return dir;
  }

  private static CheckpointBundle readBack(Path dir) {
    return SentenceTransformersFormat.read(dir, bundle.config().model().matryoshkaDims());
  }

  @Test
  void writesTheModuleLayout() {
    Path dir = exported();
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json",
        "tokenizer_config.json", "sentence_bert_config.json", "modules.json",
        "config_sentence_transformers.json", "1_Pooling/config.json", "2_Dense/config.json",
        "2_Dense/model.safetensors")) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f + " is written");
    }
    assertTrue(Files.isDirectory(dir.resolve("3_Normalize")), "3_Normalize is written");
  }

  @Test
  void modulesJsonListsTheFourModulesInOrder() {
    JsonNode modules = JsonFiles.readTree(exported().resolve("modules.json"));
    assertEquals(4, modules.size(), "Transformer, Pooling, Dense, Normalize");
    List<String> types = List.of("Transformer", "Pooling", "Dense", "Normalize");
    List<String> paths = List.of("", "1_Pooling", "2_Dense", "3_Normalize");
    for (int i = 0; i < 4; i++) {
      assertEquals(i, modules.get(i).get("idx").asInt(), "module " + i + " idx");
      assertEquals("sentence_transformers.models." + types.get(i),
          modules.get(i).get("type").asText(), "module " + i + " type");
      assertEquals(paths.get(i), modules.get(i).get("path").asText(), "module " + i + " path");
    }
  }

  @Test
  void poolingIsMeanOverHiddenStates() {
    JsonNode p = JsonFiles.readTree(exported().resolve("1_Pooling/config.json"));
    assertTrue(p.get("pooling_mode_mean_tokens").asBoolean(), "mean pooling on");
    assertFalse(p.get("pooling_mode_cls_token").asBoolean(), "CLS pooling off");
    assertFalse(p.get("pooling_mode_max_tokens").asBoolean(), "max pooling off");
    assertEquals(32, p.get("word_embedding_dimension").asInt(), "hidden size of the tiny preset");
  }

  @Test
  void denseHoldsTheProjectionAsPyTorchLinear() {
    Path dir = exported();
    JsonNode d = JsonFiles.readTree(dir.resolve("2_Dense/config.json"));
    assertEquals(32, d.get("in_features").asInt(), "in = hiddenSize");
    assertEquals(16, d.get("out_features").asInt(), "out = outputDim");
    assertEquals("torch.nn.modules.linear.Identity", d.get("activation_function").asText(),
        "linear projection");
    Map<String, FloatTensor> linear =
        SafetensorsReader.read(dir.resolve("2_Dense/model.safetensors")).tensors();
    assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(linear.keySet()),
        "Dense tensors");
    assertArrayEquals(new long[] {16, 32}, linear.get("linear.weight").shape(), "[out, hidden]");
    assertEquals(bundle.parameters().get(ParameterNames.PROJECTION + ".weight"),
        linear.get("linear.weight"), "the projection weight unchanged");
    assertEquals(bundle.parameters().get(ParameterNames.PROJECTION + ".bias"),
        linear.get("linear.bias"), "the projection bias unchanged");
  }

  @Test
  void transformerIsAHuggingFaceBertModel() {
    Path dir = exported();
    JsonNode c = JsonFiles.readTree(dir.resolve("config.json"));
    assertEquals("bert", c.get("model_type").asText(), "model_type");
    assertEquals(32, c.get("hidden_size").asInt(), "hidden_size");
    assertEquals(2, c.get("num_attention_heads").asInt(), "heads");
    assertEquals(bundle.config().model().vocabSize(), c.get("vocab_size").asInt(), "vocab_size");
    Map<String, FloatTensor> encoder =
        SafetensorsReader.read(dir.resolve("model.safetensors")).tensors();
    assertFalse(encoder.containsKey(ParameterNames.PROJECTION + ".weight"),
        "the projection lives in 2_Dense only");
    assertEquals(bundle.parameters().get(ParameterNames.WORD_EMBEDDINGS),
        encoder.get(ParameterNames.WORD_EMBEDDINGS), "BertModel tensor names");
    assertEquals(32, JsonFiles.readTree(dir.resolve("sentence_bert_config.json"))
        .get("max_seq_length").asInt(), "the bundle's maximum length");
  }

  @Test
  void noTemporaryDirectoryIsLeft() throws IOException {
    exported();
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(tmp.resolve("st")), files.toList(), "only the export itself");
    }
  }

  @Test
  void readBackHasIdenticalParametersAndConfig() {
    CheckpointBundle back = readBack(exported());
    assertEquals(bundle.parameters().tensors(), back.parameters().tensors(),
        "every tensor, the projection included, survives the export");
    assertEquals(bundle.config(), back.config(), "shape, dims and maximum length");
    assertEquals(bundle.tokenizerJson(), back.tokenizerJson(), "tokenizer.json unchanged");
  }

  @Test
  void readBackEmbedsIdentically() {
    float[][] before = TinyBundles.embed(bundle, DataType.FLOAT);
    float[][] after = TinyBundles.embed(readBack(exported()), DataType.FLOAT);
    for (int i = 0; i < before.length; i++) {
      assertArrayEquals(before[i], after[i], "text " + i + " embeds identically (float)");
    }
  }

  @Test
  void refusesToOverwriteWithoutPermission() {
    Path dir = exported();
    assertThrows(InvalidInputException.class,
        () -> SentenceTransformersFormat.write(bundle, dir, false), "the directory exists");
  }

  @Test
  void clsPoolingRoundTripsAndEmbedsAsTheClsModel() {
    CheckpointBundle cls = bundle.withPooling(Pooling.CLS);
    Path dir = tmp.resolve("st-cls");
    SentenceTransformersFormat.write(cls, dir, false);
    JsonNode p = JsonFiles.readTree(dir.resolve("1_Pooling/config.json"));
    assertTrue(p.get("pooling_mode_cls_token").asBoolean(), "CLS pooling on");
    assertFalse(p.get("pooling_mode_mean_tokens").asBoolean(), "mean pooling off");
    CheckpointBundle back = readBack(dir);
    assertEquals(Pooling.CLS, back.config().model().pooling());
    assertEquals(cls.config(), back.config(), "the whole config, pooling included");
    float[][] expected = TinyBundles.embed(cls, DataType.FLOAT);
    float[][] actual = TinyBundles.embed(back, DataType.FLOAT);
    float[][] mean = TinyBundles.embed(bundle, DataType.FLOAT);
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], "text " + i + " embeds as the CLS model");
    }
    assertFalse(java.util.Arrays.equals(expected[0], mean[0]),
        "negative control: the mean-pooled model embeds otherwise");
  }

  @Test
  void aModelsPromptsRoundTripThroughBothFormats() throws IOException {
    CheckpointBundle e5 = bundle.withPrompts(ModelPrompts.ofPrefixes("query: ", "passage: "));
    Path st = tmp.resolve("st-prompts");
    SentenceTransformersFormat.write(e5, st, false);
    JsonNode prompts = JsonFiles.readTree(st.resolve("config_sentence_transformers.json"))
        .get("prompts");
    assertEquals("query: ", prompts.get("query").asText());
    assertEquals("passage: ", prompts.get("document").asText());
    assertEquals(e5.config().prompts(), readBack(st).config().prompts());
    Path dir = tmp.resolve("bundle-prompts");
    e5.write(dir, false);
    assertEquals(e5.config(), CheckpointBundle.read(dir).config(), "config.json keeps them");
    // Negative control: a model without prompts writes none and reads back without any.
    Path plain = exported();
    assertEquals(0, JsonFiles.readTree(plain.resolve("config_sentence_transformers.json"))
        .get("prompts").size());
    assertEquals(null, readBack(plain).config().prompts());
    Path b = tmp.resolve("bundle-plain");
    bundle.write(b, false);
    assertFalse(Files.readString(b.resolve("config.json")).contains("prompts"),
        "no key for a model without prompts, so older readers still load it");
  }

  @Test
  void aPassagePromptIsReadAndATemplatePromptIsRefused() throws IOException {
    Path st = exported();
    Path file = st.resolve("config_sentence_transformers.json");
    ObjectNode c = (ObjectNode) JsonFiles.readTree(file);
    ((ObjectNode) c.get("prompts")).put("query", "query: ").put("passage", "passage: ");
    JsonFiles.write(file, c);
    assertEquals(ModelPrompts.ofPrefixes("query: ", "passage: "), readBack(st).config()
        .prompts(), "sentence-transformers' e5 names the document side passage");
    ((ObjectNode) c.get("prompts")).put("query", "{text} please");
    JsonFiles.write(file, c);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> readBack(st));
    assertTrue(e.getMessage().contains("prompts must be plain prefixes"), e.getMessage());
  }

  @Test
  void noPoolingModeSetIsRejected() {
    Path dir = exported();
    Path pooling = dir.resolve("1_Pooling/config.json");
    ObjectNode p = (ObjectNode) JsonFiles.readTree(pooling);
    p.put("pooling_mode_mean_tokens", false);
    JsonFiles.write(pooling, p);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> readBack(dir), "no pooling at all");
    assertTrue(e.getMessage().contains("1_Pooling"), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains("pooling_mode_cls_token"), "says what is supported: "
        + e.getMessage());
  }

  @Test
  void meanPoolingCombinedWithAnotherModeIsRejected() {
    Path dir = exported();
    Path pooling = dir.resolve("1_Pooling/config.json");
    ObjectNode p = (ObjectNode) JsonFiles.readTree(pooling);
    assertTrue(p.get("pooling_mode_mean_tokens").asBoolean(), "mean pooling stays on");
    p.put("pooling_mode_mean_sqrt_len_tokens", true);
    JsonFiles.write(pooling, p);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> readBack(dir), "mean and mean-sqrt-len concatenated is not what the encoder gives");
    assertTrue(e.getMessage().contains("pooling_mode_mean_sqrt_len_tokens"),
        "names the extra mode: " + e.getMessage());
    assertTrue(e.getMessage().contains("1_Pooling"), "names the file: " + e.getMessage());
  }

  @Test
  void nonLinearDenseIsRejected() {
    Path dir = exported();
    Path dense = dir.resolve("2_Dense/config.json");
    ObjectNode d = (ObjectNode) JsonFiles.readTree(dense);
    d.put("activation_function", "torch.nn.modules.activation.Tanh");
    JsonFiles.write(dense, d);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> readBack(dir), "a tanh Dense is not a linear projection");
    assertTrue(e.getMessage().contains("activation_function"), "names the key: "
        + e.getMessage());
  }

  @Test
  void unknownModuleTypeIsRejected() {
    Path dir = exported();
    ArrayNode modules = (ArrayNode) JsonFiles.readTree(dir.resolve("modules.json"));
    ((ObjectNode) modules.get(3)).put("type", "sentence_transformers.models.LayerNorm");
    JsonFiles.write(dir.resolve("modules.json"), modules);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> readBack(dir), "LayerNorm module");
    assertTrue(e.getMessage().contains("sentence_transformers.models.LayerNorm"),
        "names the type: " + e.getMessage());
  }

  @Test
  void withoutDenseTheProjectionIsTheIdentity() {
    Path dir = exported();
    ArrayNode modules = (ArrayNode) JsonFiles.readTree(dir.resolve("modules.json"));
    modules.remove(2);
    JsonFiles.write(dir.resolve("modules.json"), modules);
    CheckpointBundle back = SentenceTransformersFormat.read(dir, List.of(16, 32));
    EncoderConfig c = back.config().model();
    assertEquals(32, c.outputDim(), "outputDim = hiddenSize without a Dense module");
    FloatTensor w = back.parameters().get(ParameterNames.PROJECTION + ".weight");
    for (int i = 0; i < 32; i++) {
      for (int j = 0; j < 32; j++) {
        assertEquals(i == j ? 1f : 0f, w.values()[i * 32 + j], "identity at " + i + "," + j);
      }
    }
  }
}
