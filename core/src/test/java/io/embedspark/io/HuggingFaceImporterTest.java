package io.embedspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.Golden;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.ParameterNames;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tests {@link HuggingFaceImporter} on variants of the golden bert-tiny checkpoint. */
class HuggingFaceImporterTest {
  @TempDir Path tmp;

  private static Map<String, FloatTensor> goldenTensors() {
    return SafetensorsReader.read(Golden.dir().resolve("model.safetensors")).tensors();
  }

  /** A checkpoint directory with the golden config.json and these tensors. */
  private Path checkpoint(String name, Map<String, FloatTensor> tensors) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.copy(Golden.dir().resolve("config.json"), dir.resolve("config.json"));
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    return dir;
  }

  private Path checkpointWithTokenizer(String name) throws IOException {
    Path dir = checkpoint(name, goldenTensors());
    Files.copy(Golden.dir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    return dir;
  }

  private static void editConfig(Path dir, String key, String value) {
    ObjectNode c = (ObjectNode) JsonFiles.readTree(dir.resolve("config.json"));
    c.put(key, value);
    JsonFiles.write(dir.resolve("config.json"), c);
  }

  @Test
  void goldenCheckpointImportsWithoutThePooler() {
    CheckpointBundle b = HuggingFaceImporter.read(Golden.dir(), Golden.OPTIONS);
    assertTrue(goldenTensors().containsKey("pooler.dense.weight"), "the file has a pooler");
    assertFalse(b.parameters().tensors().keySet().stream().anyMatch(n -> n.startsWith("pooler")),
        "the pooler is dropped");
    Map<String, FloatTensor> golden = goldenTensors();
    for (String name : ParameterNames.all(b.config().model())) {
      if (!name.startsWith(ParameterNames.PROJECTION)) {
        assertEquals(golden.get(name), b.parameters().get(name), name + " imported unchanged");
      }
    }
    assertEquals(16, b.config().maxSequenceLength(), "maximum length as asked");
  }

  @Test
  void bertPrefixedNamesImportTheSame() throws IOException {
    Map<String, FloatTensor> prefixed = new LinkedHashMap<>();
    goldenTensors().forEach((name, t) -> prefixed.put("bert." + name, t));
    prefixed.put("cls.predictions.bias", new FloatTensor(new long[] {40}, new float[40]));
    Path dir = checkpointWithTokenizer("plain");
    Path withPrefix = checkpoint("prefixed", prefixed);
    Files.copy(Golden.dir().resolve("tokenizer.json"), withPrefix.resolve("tokenizer.json"));
    CheckpointBundle plain = HuggingFaceImporter.read(dir, Golden.OPTIONS);
    CheckpointBundle fromPrefixed = HuggingFaceImporter.read(withPrefix, Golden.OPTIONS);
    assertEquals(plain.parameters().tensors(), fromPrefixed.parameters().tensors(),
        "'bert.' prefix stripped, pooler and MLM head dropped, same projection for the same seed");
    assertEquals(plain.config(), fromPrefixed.config(), "same config");
  }

  /**
   * The bytes of a safetensors file holding {@code embeddings.position_ids} as I64 [1, 16]
   * (0..15, as {@code BertModel} saves the buffer) followed by these tensors as F32, header and
   * data laid out by hand.
   */
  private static byte[] withInt64PositionIds(Map<String, FloatTensor> tensors) {
    ObjectNode header = JsonFiles.MAPPER.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long positionBytes = 16L * Long.BYTES;
    ObjectNode positions = header.putObject("embeddings.position_ids");
    positions.put("dtype", "I64");
    positions.putArray("shape").add(1).add(16);
    positions.putArray("data_offsets").add(0).add(positionBytes);
    long offset = positionBytes;
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      long end = offset + (long) e.getValue().values().length * Float.BYTES;
      ObjectNode node = header.putObject(e.getKey());
      node.put("dtype", "F32");
      ArrayNode shape = node.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      node.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + json.length + offset))
        .order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(json.length).put(json);
    for (long position = 0; position < 16; position++) {
      out.putLong(position);
    }
    for (FloatTensor t : tensors.values()) {
      for (float v : t.values()) {
        out.putFloat(v);
      }
    }
    assertFalse(out.hasRemaining(), "every byte of the hand-built file is written");
    return out.array();
  }

  @Test
  void int64PositionIdsBufferIsSkippedOnImport() throws IOException {
    Path dir = checkpointWithTokenizer("position-ids");
    Path weights = dir.resolve("model.safetensors");
    Files.write(weights, withInt64PositionIds(goldenTensors()));
    SafetensorsReader.Contents contents = SafetensorsReader.read(weights);
    assertEquals(Map.of("embeddings.position_ids", "I64"), contents.skipped(),
        "the hand-built file holds the integer buffer, which the reader skips");
    assertEquals(goldenTensors(), contents.tensors(), "the float tensors read back unchanged");
    CheckpointBundle withBuffer = HuggingFaceImporter.read(dir, Golden.OPTIONS);
    CheckpointBundle plain = HuggingFaceImporter.read(Golden.dir(), Golden.OPTIONS);
    assertFalse(withBuffer.parameters().tensors().containsKey("embeddings.position_ids"),
        "the buffer is not a parameter");
    assertEquals(plain.parameters().tensors(), withBuffer.parameters().tensors(),
        "same parameters as the golden checkpoint without the buffer");
    assertEquals(plain.config(), withBuffer.config(), "same config");
  }

  @Test
  void legacyLayerNormGammaAndBetaImportAsWeightAndBias() throws IOException {
    Map<String, FloatTensor> legacy = new LinkedHashMap<>();
    int renamed = 0;
    for (Map.Entry<String, FloatTensor> e : goldenTensors().entrySet()) {
      String name = e.getKey();
      if (name.endsWith("LayerNorm.weight")) {
        name = name.substring(0, name.length() - "weight".length()) + "gamma";
        renamed++;
      } else if (name.endsWith("LayerNorm.bias")) {
        name = name.substring(0, name.length() - "bias".length()) + "beta";
        renamed++;
      }
      legacy.put(name, e.getValue());
    }
    assertEquals(10, renamed, "embeddings + 2 per layer x 2 layers, weight and bias each");
    assertTrue(legacy.containsKey(ParameterNames.EMBEDDINGS_LN + ".gamma"),
        "the legacy file really uses gamma");
    Path dir = checkpoint("legacy", legacy);
    Files.copy(Golden.dir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    CheckpointBundle fromLegacy = HuggingFaceImporter.read(dir, Golden.OPTIONS);
    CheckpointBundle plain = HuggingFaceImporter.read(Golden.dir(), Golden.OPTIONS);
    assertEquals(plain.parameters().tensors(), fromLegacy.parameters().tensors(),
        "gamma/beta map to weight/bias: same parameters as the plain import");
  }

  @Test
  void sameTensorWithAndWithoutPrefixIsCorrupt() throws IOException {
    Map<String, FloatTensor> both = new LinkedHashMap<>(goldenTensors());
    both.put("bert." + ParameterNames.WORD_EMBEDDINGS, both.get(ParameterNames.WORD_EMBEDDINGS));
    Path dir = checkpoint("both", both);
    Files.copy(Golden.dir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> HuggingFaceImporter.read(dir, Golden.OPTIONS), "ambiguous tensor");
    assertTrue(e.getMessage().contains(ParameterNames.WORD_EMBEDDINGS), "names the tensor: "
        + e.getMessage());
  }

  @Test
  void reluActivationIsRejected() throws IOException {
    Path dir = checkpointWithTokenizer("relu");
    editConfig(dir, "hidden_act", "relu");
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> HuggingFaceImporter.read(dir, Golden.OPTIONS), "the encoder computes GELU");
    assertTrue(e.getMessage().contains("hidden_act = 'relu'"), "names the key and value: "
        + e.getMessage());
  }

  @Test
  void otherModelTypeIsRejected() throws IOException {
    Path dir = checkpointWithTokenizer("deberta");
    editConfig(dir, "model_type", "deberta-v2");
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> HuggingFaceImporter.read(dir, Golden.OPTIONS), "DeBERTa is not BERT layout");
    assertTrue(e.getMessage().contains("model_type = 'deberta-v2'"), "names the key and value: "
        + e.getMessage());
    assertTrue(e.getMessage().contains("xlm-roberta"), "lists what is supported: "
        + e.getMessage());
  }

  @Test
  void relativePositionsAreRejected() throws IOException {
    Path dir = checkpointWithTokenizer("relative");
    editConfig(dir, "position_embedding_type", "relative_key");
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> HuggingFaceImporter.read(dir, Golden.OPTIONS), "relative positions");
    assertTrue(e.getMessage().contains("position_embedding_type"), "names the key: "
        + e.getMessage());
  }

  @Test
  void missingWeightsAreInvalidInput() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> HuggingFaceImporter.read(dir, Golden.OPTIONS), "no model.safetensors");
    assertTrue(e.getMessage().contains("model.safetensors"), "names the file: " + e.getMessage());
  }

  @Test
  void vocabTxtAndCasedTokenizerConfigBuildAWorkingTokenizer() throws IOException {
    Path dir = checkpoint("vocab", goldenTensors());
    Files.write(dir.resolve("vocab.txt"), Golden.vocab());
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
    CheckpointBundle b = HuggingFaceImporter.read(dir, Golden.OPTIONS);
    try (TextTokenizer t = b.tokenizer()) {
      assertEquals(40, t.vocabSize(), "one id per vocab.txt line");
      assertArrayEquals(new int[] {2, 6, 7, 3}, t.encode(List.of("w1 w2")).ids(),
          "[CLS] w1 w2 [SEP]");
      assertArrayEquals(new int[] {2, 1, 3}, t.encode(List.of("W1")).ids(),
          "cased: W1 is unknown");
    }
  }

  @Test
  void vocabTxtWithoutTokenizerConfigIsUncased() throws IOException {
    Path dir = checkpoint("uncased", goldenTensors());
    Files.write(dir.resolve("vocab.txt"), Golden.vocab());
    CheckpointBundle b = HuggingFaceImporter.read(dir, Golden.OPTIONS);
    try (TextTokenizer t = b.tokenizer()) {
      assertArrayEquals(new int[] {2, 6, 7, 3}, t.encode(List.of("W1 w2")).ids(),
          "BERT's default do_lower_case = true");
    }
  }

  @Test
  void vocabTxtTokenizerEmbedsLikeTheGoldenTokenizer() throws IOException {
    Path dir = checkpoint("same-ids", goldenTensors());
    Files.write(dir.resolve("vocab.txt"), Golden.vocab());
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
    CheckpointBundle fromVocab = HuggingFaceImporter.read(dir, Golden.OPTIONS);
    CheckpointBundle fromJson = HuggingFaceImporter.read(Golden.dir(), Golden.OPTIONS);
    List<String> texts = List.of("w1 w2 w3", "w34 w0", "w5, w6!");
    try (TextTokenizer a = fromVocab.tokenizer(); TextTokenizer b = fromJson.tokenizer()) {
      TokenBatch x = a.encode(texts);
      TokenBatch y = b.encode(texts);
      assertArrayEquals(y.ids(), x.ids(), "same ids from vocab.txt and tokenizer.json");
      assertArrayEquals(y.lengths(), x.lengths(), "same lengths");
    }
  }

  @Test
  void missingTokenizerIsInvalidInput() throws IOException {
    Path dir = checkpoint("no-tokenizer", goldenTensors());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> HuggingFaceImporter.read(dir, Golden.OPTIONS), "neither tokenizer file");
    assertTrue(e.getMessage().contains("vocab.txt"), "says what is missing: " + e.getMessage());
  }

  @Test
  void maxSequenceLengthIsCappedAtMaxPositions() {
    CheckpointBundle b = HuggingFaceImporter.read(Golden.dir(), new ImportOptions(
        12, List.of(12), 512, ProjectionInit.RANDOM, 1L));
    assertEquals(16, b.config().maxSequenceLength(), "max_position_embeddings = 16");
  }

  @Test
  void identityProjectionEmbedsAsNormalisedPooledState() {
    CheckpointBundle b = HuggingFaceImporter.read(Golden.dir(), new ImportOptions(
        0, List.of(), 16, ProjectionInit.IDENTITY, 0L));
    assertEquals(32, b.config().model().outputDim(), "outputDim 0 means hiddenSize");
    assertEquals(List.of(32), b.config().model().matryoshkaDims(), "dims default to [32]");
    try (EmbeddingModel m = b.toModel(DataType.DOUBLE)) {
      INDArray pooled = m.pooled(Golden.batch());
      INDArray expected = pooled.divColumnVector(pooled.norm2(1).reshape(-1, 1));
      INDArray embedding = m.embed(Golden.batch());
      double diff = Golden.maxAbsDiff(embedding, expected);
      assertTrue(diff <= 1e-12, "embed = pooled / |pooled|, max |diff| = " + diff);
      assertTrue(Golden.maxAbsDiff(pooled, Golden.matrix("pooled")) <= 1e-12,
          "pooled is the golden pooled state");
    }
  }

  @Test
  void identityProjectionNeedsOutputDimEqualToHidden() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> HuggingFaceImporter.read(Golden.dir(),
            new ImportOptions(12, List.of(12), 16, ProjectionInit.IDENTITY, 0L)),
        "12 != 32");
    assertTrue(e.getMessage().contains("outputDim = 12"), "names the value: " + e.getMessage());
  }
}
