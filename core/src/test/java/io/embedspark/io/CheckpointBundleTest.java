package io.embedspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Tests writing, reading and verifying {@link CheckpointBundle} directories. */
class CheckpointBundleTest {
  private static CheckpointBundle bundle;

  @TempDir Path tmp;

  @BeforeAll
  static void create() {
    bundle = TinyBundles.create(42);
  }

  private Path written() {
    Path dir = tmp.resolve("bundle");
    bundle.write(dir, false);
    return dir;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Edits config.json and re-signs the manifest, so that only the edit is wrong. */
  private static void editConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
    Path config = dir.resolve(CheckpointBundle.CONFIG);
    ObjectNode tree = (ObjectNode) JsonFiles.readTree(config);
    edit.accept(tree);
    JsonFiles.write(config, tree);
    resign(dir);
  }

  private static void resign(Path dir) throws IOException {
    Manifest.write(dir, CheckpointBundle.CONFIG, CheckpointBundle.WEIGHTS,
        CheckpointBundle.TOKENIZER, CheckpointBundle.PROVENANCE);
  }

  @Test
  void writesTheFiveFilesAndNothingElse() throws IOException {
    Path dir = written();
    assertEquals(List.of("config.json", "manifest.json", "model.safetensors", "provenance.json",
        "tokenizer.json"), names(dir), "bundle layout");
    assertEquals(List.of("bundle"), names(tmp), "no temporary directory left beside the bundle");
  }

  @Test
  void readBackParametersAreBitForBitEqual() {
    CheckpointBundle back = CheckpointBundle.read(written());
    assertEquals(List.copyOf(bundle.parameters().tensors().keySet()),
        List.copyOf(back.parameters().tensors().keySet()), "same tensors in the same order");
    for (Map.Entry<String, FloatTensor> e : bundle.parameters().tensors().entrySet()) {
      FloatTensor b = back.parameters().get(e.getKey());
      assertArrayEquals(e.getValue().shape(), b.shape(), e.getKey() + " shape");
      float[] expected = e.getValue().values();
      for (int i = 0; i < expected.length; i++) {
        if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(b.values()[i])) {
          throw new AssertionError(e.getKey() + "[" + i + "]: " + expected[i] + " != "
              + b.values()[i]);
        }
      }
    }
  }

  @Test
  void readBackConfigTokenizerAndProvenanceAreEqual() {
    CheckpointBundle back = CheckpointBundle.read(written());
    assertEquals(bundle.config(), back.config(), "config.json round trip");
    assertEquals(bundle.tokenizerJson(), back.tokenizerJson(), "tokenizer.json unchanged");
    assertEquals("init:tiny", back.provenance().origin(), "provenance origin");
    assertEquals(42L, back.provenance().seed(), "provenance seed");
    assertEquals(bundle.provenance().createdAt(), back.provenance().createdAt(),
        "provenance timestamp");
  }

  @Test
  void readBackEmbeddingsAreExactlyEqual() {
    float[][] before = TinyBundles.embed(bundle, DataType.FLOAT);
    float[][] after = TinyBundles.embed(CheckpointBundle.read(written()), DataType.FLOAT);
    assertEquals(TinyBundles.TEXTS.size(), after.length, "one embedding per text");
    for (int i = 0; i < before.length; i++) {
      assertEquals(16, after[i].length, "outputDim of the tiny preset");
      assertArrayEquals(before[i], after[i], "text " + i + " embeds identically after reading");
    }
  }

  @Test
  void refusesToOverwriteWithoutPermission() {
    Path dir = written();
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> bundle.write(dir, false), "the directory exists");
    assertTrue(e.getMessage().contains("already exists"), "message says why: " + e.getMessage());
  }

  @Test
  void overwriteReplacesTheBundleAndLeavesNoOldCopy() throws IOException {
    Path dir = written();
    CheckpointBundle other = TinyBundles.create(7);
    other.write(dir, true);
    assertEquals(other.parameters().tensors(), CheckpointBundle.read(dir).parameters().tensors(),
        "the new parameters are in place");
    assertEquals(List.of("bundle"), names(tmp), "neither the old bundle nor a temporary is left");
  }

  @Test
  void flippedByteInWeightsFailsTheChecksum() throws IOException {
    Path dir = written();
    Path weights = dir.resolve(CheckpointBundle.WEIGHTS);
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 3] ^= 0x01;
    Files.write(weights, bytes);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "one flipped bit");
    assertTrue(e.getMessage().contains("model.safetensors"), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains("SHA-256"), "names the check: " + e.getMessage());
  }

  @Test
  void missingManifestIsAnError() throws IOException {
    Path dir = written();
    Files.delete(dir.resolve(CheckpointBundle.MANIFEST));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "no manifest.json");
    assertTrue(e.getMessage().contains("manifest.json"), "names the file: " + e.getMessage());
  }

  @Test
  void fileListedInManifestButMissingIsAnError() throws IOException {
    Path dir = written();
    Files.delete(dir.resolve(CheckpointBundle.TOKENIZER));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "no tokenizer.json");
    assertTrue(e.getMessage().contains("tokenizer.json"), "names the file: " + e.getMessage());
  }

  /** Edits manifest.json (which no checksum covers). */
  private static void editManifest(Path dir, Consumer<ObjectNode> edit) {
    Path manifest = dir.resolve(CheckpointBundle.MANIFEST);
    ObjectNode tree = (ObjectNode) JsonFiles.readTree(manifest);
    edit.accept(tree);
    JsonFiles.write(manifest, tree);
  }

  @Test
  void manifestWithoutARequiredChecksumNamesTheFile() {
    Path empty = written();
    editManifest(empty, m -> m.putObject("sha256"));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(empty), "\"sha256\": {} vouches for nothing");
    assertTrue(e.getMessage().contains("no checksum for 'config.json'"),
        "names the first unchecked file: " + e.getMessage());

    Path noWeights = tmp.resolve("no-weights");
    bundle.write(noWeights, false);
    editManifest(noWeights, m -> ((ObjectNode) m.get("sha256")).remove(CheckpointBundle.WEIGHTS));
    CorruptArtifactException e2 = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(noWeights), "model.safetensors is not covered");
    assertTrue(e2.getMessage().contains("no checksum for 'model.safetensors'"),
        "names the unchecked weights file: " + e2.getMessage());
  }

  @Test
  void manifestWithAnotherFormatVersionIsRejected() {
    Path dir = written();
    editManifest(dir, m -> m.put("formatVersion", 2));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "manifest formatVersion 2");
    assertTrue(e.getMessage().contains("manifest.json"), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains("formatVersion = 2"), "names the field and value: "
        + e.getMessage());
  }

  @Test
  void failedWriteLeavesNoTemporaryDirectory() throws IOException {
    CheckpointBundle broken = new CheckpointBundle(bundle.config(), bundle.parameters(), null,
        bundle.provenance());
    Path dir = tmp.resolve("broken");
    assertThrows(NullPointerException.class, () -> broken.write(dir, false),
        "writing a null tokenizer.json fails after config.json and model.safetensors");
    assertFalse(Files.exists(dir), "no bundle appears");
    assertEquals(List.of(), names(tmp), "the temporary .broken.tmp* directory is deleted");
  }

  @Test
  void constructorRejectsAnInvalidConfig() {
    EncoderConfig descending = bundle.config().model().withOutput(16, List.of(8, 6, 16));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> new CheckpointBundle(BundleConfig.of(descending, 32), bundle.parameters(),
            bundle.tokenizerJson(), bundle.provenance()), "dims 8, 6, 16 do not ascend");
    assertTrue(e.getMessage().contains("model.matryoshkaDims[1] = 6"), "names the key and value: "
        + e.getMessage());
  }

  @Test
  void unknownConfigKeyIsNamed() throws IOException {
    Path dir = written();
    editConfig(dir, c -> c.put("learningRate", 0.1));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "unknown top-level key");
    assertTrue(e.getMessage().contains("learningRate"), "names the key: " + e.getMessage());
    assertTrue(e.getMessage().contains("config.json"), "names the file: " + e.getMessage());
  }

  @Test
  void unknownModelKeyIsNamed() throws IOException {
    Path dir = written();
    editConfig(dir, c -> ((ObjectNode) c.get("model")).put("numExperts", 8));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "unknown key under model");
    assertTrue(e.getMessage().contains("numExperts"), "names the key: " + e.getMessage());
  }

  @Test
  void newerFormatVersionIsRejected() throws IOException {
    Path dir = written();
    editConfig(dir, c -> c.put("formatVersion", 3));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "formatVersion 3");
    assertTrue(e.getMessage().contains("formatVersion = 3"), "names the field and value: "
        + e.getMessage());
  }

  @Test
  void configListsTheModulesInOrder() throws IOException {
    Path dir = written();
    com.fasterxml.jackson.databind.JsonNode c = JsonFiles.readTree(dir.resolve("config.json"));
    assertEquals(2, c.get("formatVersion").asInt());
    List<String> types = new java.util.ArrayList<>();
    c.get("modules").forEach(m -> types.add(m.get("type").asText()));
    assertEquals(List.of("token_embeddings", "transformer_layer", "transformer_layer", "pooling",
        "dense", "normalize"), types);
    assertEquals("mean", c.get("modules").get(3).get("mode").asText());
  }

  @Test
  void aModuleListThatDisagreesWithTheModelIsNamed() throws IOException {
    Path dir = written();
    editConfig(dir, c -> ((ObjectNode) c.get("modules").get(3)).put("mode", "cls"));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "CLS in the list, mean in the model");
    assertTrue(e.getMessage().contains("modules[3] = pooling (cls)"), "names the entry: "
        + e.getMessage());
    assertTrue(e.getMessage().contains("pooling (mean)"), "says what the model implies: "
        + e.getMessage());
  }

  @Test
  void aModuleWithoutATypeIsNamed() throws IOException {
    // Found by BundleConfigFuzzTest: describing such an entry threw a NullPointerException.
    Path dir = written();
    editConfig(dir, c -> ((ObjectNode) c.get("modules").get(3)).remove(List.of("type", "mode")));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir));
    assertTrue(e.getMessage().contains("modules[3] = null but the model config implies pooling"),
        e.getMessage());
  }

  @Test
  void aVersionOneConfigCannotDeclareClsPooling() throws IOException {
    Path dir = written();
    editConfig(dir, c -> {
      c.put("formatVersion", 1);
      c.remove("modules");
      ((ObjectNode) c.get("model")).put("pooling", "cls");
    });
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "version 1 bundles mean-pool");
    assertTrue(e.getMessage().contains("model.pooling = cls"), e.getMessage());
  }

  @Test
  void aClsBundleRoundTripsAndEmbedsByItsFirstToken(@TempDir Path tmp) {
    CheckpointBundle cls = bundle.withPooling(io.embedspark.model.Pooling.CLS);
    cls.write(tmp.resolve("cls"), false);
    CheckpointBundle back = CheckpointBundle.read(tmp.resolve("cls"));
    assertEquals(io.embedspark.model.Pooling.CLS, back.config().model().pooling());
    assertEquals(cls.config(), back.config());
    float[][] clsRows = TinyBundles.embed(back, DataType.FLOAT);
    float[][] meanRows = TinyBundles.embed(bundle, DataType.FLOAT);
    assertFalse(java.util.Arrays.equals(clsRows[0], meanRows[0]),
        "negative control: pooling changes the embedding");
  }

  @Test
  void foreignFormatIsRejected() throws IOException {
    Path dir = written();
    editConfig(dir, c -> c.put("format", "something-else"));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "another format");
    assertTrue(e.getMessage().contains("format = 'something-else'"), "names the value: "
        + e.getMessage());
  }

  @Test
  void invalidModelConfigListsItsProblems() throws IOException {
    Path dir = written();
    editConfig(dir, c -> {
      ((ObjectNode) c.get("model")).put("numHeads", 3);
      c.put("maxSequenceLength", 1000);
    });
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "3 heads do not divide 32");
    assertTrue(e.getMessage().contains("model.numHeads = 3 does not divide model.hiddenSize = 32"),
        "names the heads problem: " + e.getMessage());
    assertTrue(e.getMessage().contains("maxSequenceLength = 1000"),
        "names the length problem too: " + e.getMessage());
  }

  @Test
  void wrongTensorShapeInWeightsNamesTensorAndShapes() throws IOException {
    Path dir = written();
    Map<String, FloatTensor> tensors = new LinkedHashMap<>(bundle.parameters().tensors());
    tensors.put(ParameterNames.PROJECTION + ".bias", new FloatTensor(new long[] {15},
        new float[15]));
    SafetensorsWriter.write(dir.resolve(CheckpointBundle.WEIGHTS), tensors, Map.of());
    resign(dir);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.read(dir), "projection.bias of 15 instead of 16");
    assertTrue(e.getMessage().contains("model.safetensors"), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains("tensor 'projection.bias' has shape [15], expected [16]"),
        "names the tensor and both shapes: " + e.getMessage());
  }

  @Test
  void modelParametersOfNamesMisShapedMissingAndUnexpectedTensors() {
    EncoderConfig config = bundle.config().model();
    Map<String, FloatTensor> tensors = new LinkedHashMap<>(bundle.parameters().tensors());
    tensors.put(ParameterNames.WORD_EMBEDDINGS, new FloatTensor(new long[] {3, 32},
        new float[96]));
    tensors.remove(ParameterNames.output(1) + ".bias");
    tensors.put("pooler.dense.bias", new FloatTensor(new long[] {32}, new float[32]));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> ModelParameters.of(tensors, config, "weights.bin"), "three problems");
    String m = e.getMessage();
    assertTrue(m.startsWith("weights.bin"), "names the source: " + m);
    assertTrue(m.contains("tensor 'embeddings.word_embeddings.weight' has shape [3, 32], expected ["
        + config.vocabSize() + ", 32]"), "names the tensor and both shapes: " + m);
    assertTrue(m.contains("missing tensor 'encoder.layer.1.output.dense.bias' [32]"),
        "names the missing tensor: " + m);
    assertTrue(m.contains("unexpected tensor 'pooler.dense.bias'"), "names the extra one: " + m);
  }

  @Test
  void readingANonDirectoryIsInvalidInput() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> CheckpointBundle.read(tmp.resolve("nothing-here")), "no such directory");
    assertTrue(e.getMessage().contains("nothing-here"), "names the path: " + e.getMessage());
  }

  @Test
  void tokenizerWithMoreIdsThanTheEmbeddingTableIsRejected() {
    EncoderConfig small = bundle.config().model().withVocabSize(10);
    CheckpointBundle tooSmall = new CheckpointBundle(BundleConfig.of(small, 32),
        ModelParameters.initialise(small, 1), bundle.tokenizerJson(), bundle.provenance());
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        tooSmall::checkTokenizerFits, "the tokenizer has more than 10 ids");
    assertTrue(e.getMessage().contains("model.vocabSize = 10"), "names the key: "
        + e.getMessage());
  }

  @Test
  void firstLayersKeepsTheLowerLayers() {
    CheckpointBundle cut = bundle.withFirstLayers(1);
    assertEquals(1, cut.config().model().numLayers(), "one layer left");
    assertEquals(bundle.parameters().get(ParameterNames.query(0) + ".weight"),
        cut.parameters().get(ParameterNames.query(0) + ".weight"), "layer 0 kept as it was");
    assertFalse(cut.parameters().tensors().containsKey(ParameterNames.query(1) + ".weight"),
        "layer 1 dropped");
    assertThrows(InvalidInputException.class, () -> bundle.withFirstLayers(3),
        "the tiny model has only 2 layers");
  }

  @Test
  void anEmptyBatchGivesAnEmptyResultInsteadOfCrashing() {
    CheckpointBundle bundle = TinyBundles.create(1);
    try (EmbeddingModel model = bundle.toModel(DataType.FLOAT)) {
      assertArrayEquals(new long[] {0, bundle.config().model().outputDim()},
          model.embed(model.tokenizer().encode(List.of())).shape(), "embed");
      assertArrayEquals(new long[] {0, bundle.config().model().hiddenSize()},
          model.pooled(model.tokenizer().encode(List.of())).shape(), "pooled");
    }
  }

  @Test
  void aWrittenBundleIsReadableByOthersLikeAnyOutputDirectory(@TempDir Path tmp)
      throws IOException {
    Path dir = tmp.resolve("bundle");
    TinyBundles.create(2).write(dir, false);
    assertTrue(Files.getPosixFilePermissions(dir).contains(
        java.nio.file.attribute.PosixFilePermission.OTHERS_READ), "not left private");
  }

  @Test
  void aTextFileThatIsNotUtf8IsNamed() throws Exception {
    Path garbage = tmp.resolve("tokenizer.json");
    Files.write(garbage, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> CheckpointBundle.readString(garbage));
    assertTrue(e.getMessage().startsWith(garbage + " is not UTF-8 text"), e.getMessage());
  }

  /** Found by fuzzing: bytes Jackson takes for UTF-32 gave an UncheckedIOException. */
  @Test
  void aConfigInAnEncodingThatIsNotJsonIsNamed(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("config.json");
    byte[] bytes = "\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000mat\" : \"x\"}"
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(file, bytes);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> JsonFiles.read(file, BundleConfig.class));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }
}
