package io.embedspark.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.Golden;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.HuggingFaceImporter;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.ParameterNames;
import io.embedspark.tokenize.TokenBatch;
import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * ONNX import against independent references: {@code tools/golden/bert_onnx.py} exports the
 * bert-tiny golden checkpoint with {@code torch.onnx.export}; the imported tensors must equal the
 * ones Python wrote to model.safetensors bit for bit, and the imported model's pooled states must
 * equal PyTorch's float64 golden ones and ONNX Runtime's run of the very same file. Broken graphs
 * are refused naming the node.
 */
class OnnxBertImporterTest {
  static Path onnxDir() {
    try {
      return Path.of(OnnxBertImporterTest.class.getResource("/golden/bert-tiny-onnx").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CheckpointBundle imported() {
    return OnnxBertImporter.read(onnxDir().resolve("model.onnx"), null, Golden.OPTIONS);
  }

  @Test
  void everyEncoderTensorEqualsTheSafetensorsPythonWroteBitForBit() {
    CheckpointBundle fromOnnx = imported();
    CheckpointBundle fromSafetensors = HuggingFaceImporter.read(Golden.dir(), Golden.OPTIONS);
    assertEquals(fromSafetensors.config(), fromOnnx.config(),
        "config inferred from the graph (heads from the Reshape, eps from the layer norm)");
    int compared = 0;
    for (String name : ParameterNames.all(fromOnnx.config().model())) {
      if (name.startsWith(ParameterNames.PROJECTION)) {
        continue;
      }
      assertEquals(fromSafetensors.parameters().get(name), fromOnnx.parameters().get(name), name);
      compared++;
    }
    assertEquals(3 + 2 + 2 * 16, compared);
  }

  @Test
  void pooledStatesEqualPyTorchAndOnnxRuntimeOnTheSameFile() throws Exception {
    CheckpointBundle b = imported();
    TokenBatch batch = Golden.batch();
    try (EmbeddingModel m = EmbeddingModel.create(b.config().model(), b.parameters(),
        b.tokenizer(), DataType.DOUBLE)) {
      double vsTorch = Golden.maxAbsDiff(m.pooled(batch), Golden.matrix("pooled"));
      assertTrue(vsTorch < 1e-12, "vs PyTorch float64: " + vsTorch);
      double[][] ort = onnxRuntimePooled(onnxDir().resolve("model.onnx"), batch);
      double vsOrt = Golden.maxAbsDiff(m.pooled(batch), ort);
      System.out.println("OnnxBertImporterTest: pooled vs PyTorch " + vsTorch
          + ", vs ONNX Runtime " + vsOrt);
      assertTrue(vsOrt < 1e-5, "vs ONNX Runtime float32: " + vsOrt);
    }
  }

  /** ONNX Runtime's last_hidden_state of the exported file, mean-pooled over real tokens. */
  static double[][] onnxRuntimePooled(Path file, TokenBatch b) throws Exception {
    try (PooledOnnxModel ort = new PooledOnnxModel(Files.readAllBytes(file), 1, false)) {
      float[][] pooled = ort.embed(b);
      double[][] out = new double[pooled.length][];
      for (int i = 0; i < pooled.length; i++) {
        out[i] = new double[pooled[i].length];
        for (int k = 0; k < pooled[i].length; k++) {
          out[i][k] = pooled[i][k];
        }
      }
      return out;
    }
  }

  private static ModelProto golden() throws Exception {
    return ModelProto.parseFrom(Files.readAllBytes(onnxDir().resolve("model.onnx")));
  }

  private static Exception importing(ModelProto model) {
    return assertThrows(RuntimeException.class, () -> OnnxBertImporter.read("edited.onnx",
        new ByteArrayInputStream(model.toByteArray()), Golden.tokenizerJson(), Golden.OPTIONS));
  }

  @Test
  void aKernelWithoutItsBiasAddIsRefusedNamingTheNode() throws Exception {
    ModelProto m = golden();
    GraphProto.Builder g = m.getGraph().toBuilder();
    String bias = "encoder.layer.0.attention.self.query.bias";
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      if (n.getOpType().equals("Add") && n.getInputList().contains(bias)) {
        NodeProto.Builder edited = n.toBuilder();
        edited.setInput(n.getInputList().indexOf(bias), "embeddings.LayerNorm.weight");
        g.setNode(i, edited);
      }
    }
    Exception e = importing(m.toBuilder().setGraph(g).build());
    assertTrue(e instanceof CorruptArtifactException, e.toString());
    assertTrue(e.getMessage().contains("'/layer.0/attention/self/query/MatMul'")
        && e.getMessage().contains("not a BERT-family encoder"), e.getMessage());
  }

  @Test
  void aQuantisedExportIsRefusedNamingTheNode() throws Exception {
    ModelProto m = golden();
    GraphProto.Builder g = m.getGraph().toBuilder().addNode(NodeProto.newBuilder()
        .setOpType("MatMulInteger").setName("/layer.0/q/MatMulInteger").addInput("a")
        .addInput("b").addOutput("c"));
    Exception e = importing(m.toBuilder().setGraph(g).build());
    assertTrue(e instanceof InvalidInputException, e.toString());
    assertTrue(e.getMessage().contains("quantised") && e.getMessage().contains(
        "'/layer.0/q/MatMulInteger'"), e.getMessage());
  }

  @Test
  void aGraphWithoutEncoderLayersIsNotABertExport() throws Exception {
    ModelProto m = golden();
    GraphProto.Builder g = m.getGraph().toBuilder();
    for (int i = g.getInitializerCount() - 1; i >= 0; i--) {
      if (g.getInitializer(i).getName().equals("embeddings.word_embeddings.weight")) {
        g.removeInitializer(i);
      }
    }
    Exception e = importing(m.toBuilder().setGraph(g).build());
    assertTrue(e.getMessage().contains("no initializer 'embeddings.word_embeddings.weight'"),
        e.getMessage());
  }

  @Test
  void theTokenizerBesideTheFileIsFoundOrItsAbsenceExplained(@TempDir Path tmp) throws Exception {
    Path lone = tmp.resolve("encoder.onnx");
    Files.copy(onnxDir().resolve("model.onnx"), lone);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> OnnxBertImporter.read(lone, null, Golden.OPTIONS));
    assertTrue(e.getMessage().contains("tokenizer.json or encoder-tokenizer.json"),
        e.getMessage());
    Files.copy(onnxDir().resolve("tokenizer.json"), tmp.resolve("encoder-tokenizer.json"));
    assertEquals(Golden.tokenizerJson(), OnnxBertImporter.read(lone, null, Golden.OPTIONS)
        .tokenizerJson());
  }

  @Test
  void aBadTokenizerIsReportedByItsPath(@TempDir Path tmp) throws Exception {
    Path onnx = tmp.resolve("encoder.onnx");
    Files.copy(onnxDir().resolve("model.onnx"), onnx);
    Path tokenizer = tmp.resolve("my-tokenizer.json");
    Files.writeString(tokenizer, "{\"model\": 1}");
    io.embedspark.error.CorruptArtifactException e = assertThrows(
        io.embedspark.error.CorruptArtifactException.class,
        () -> OnnxBertImporter.read(onnx, tokenizer, Golden.OPTIONS));
    assertTrue(e.getMessage().startsWith(tokenizer.toString()), e.getMessage());
  }

  @Test
  void aFileThatIsNotOnnxIsReportedAsSuch(@TempDir Path tmp) throws Exception {
    Path bad = tmp.resolve("model.onnx");
    Files.writeString(bad, "not a protocol buffer at all \u00ff\u00fe");
    Files.copy(onnxDir().resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
    Exception e = assertThrows(RuntimeException.class,
        () -> OnnxBertImporter.read(bad, null, Golden.OPTIONS));
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
  }
}
