package io.embedspark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.Golden;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import io.embedspark.onnx.OnnxEncoderExport;
import io.embedspark.onnx.OnnxRuntimeEncoder;
import io.embedspark.tokenize.TokenBatch;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An XLM-RoBERTa checkpoint in Hugging Face layout ({@code golden/roberta-tiny}, written with the
 * independent PyTorch implementation of {@code tools/golden/roberta_encoder.py}: positions after
 * the padding index, one token type, a SentencePiece Unigram tokenizer, the {@code roberta.}
 * prefix and an {@code lm_head}) imports, embeds on every path as PyTorch does, and round-trips
 * through the bundle and the sentence-transformers layout. Negative control: the same weights
 * with BERT's positions give other embeddings.
 */
class RobertaImportTest {
  private static final double DOUBLE_TOLERANCE = 1e-12;
  private static final double FLOAT_TOLERANCE = 1e-5;
  private static JsonNode golden;
  private static CheckpointBundle bundle;

  @TempDir Path tmp;

  private static Path dir() throws Exception {
    return Path.of(RobertaImportTest.class.getResource("/golden/roberta-tiny").toURI());
  }

  @BeforeAll
  static void load() throws Exception {
    golden = JsonFiles.readTree(dir().resolve("golden.json"));
    CheckpointBundle imported = HuggingFaceImporter.read(dir(),
        new ImportOptions(12, List.of(6, 12), 64, ProjectionInit.RANDOM, 1L));
    Map<String, FloatTensor> t = new LinkedHashMap<>(imported.parameters().tensors());
    t.put(ParameterNames.PROJECTION + ".weight", Golden.tensor(golden, "projection_weight"));
    t.put(ParameterNames.PROJECTION + ".bias", Golden.tensor(golden, "projection_bias"));
    bundle = imported.with(ModelParameters.of(t, imported.config().model(), "golden"),
        imported.provenance());
  }

  private static double[][] matrix(String key) {
    return Golden.matrix(golden, key);
  }

  /** The golden ids, padded with RoBERTa's padding id 1 as transformers pads. */
  private static TokenBatch batch() {
    return Golden.batch(golden);
  }

  @Test
  void theConfigIsBertsEncoderWithPositionsAfterThePaddingIndex() {
    EncoderConfig c = bundle.config().model();
    assertEquals(2, c.positionOffset(), "padding_idx 1 + 1");
    assertEquals(18, c.maxPositions());
    assertEquals(1, c.typeVocabSize());
    assertEquals(1e-5, c.layerNormEps());
    assertEquals(16, bundle.config().maxSequenceLength(), "18 positions less the offset");
    assertEquals(List.of(), c.problems("model."));
  }

  @Test
  void embeddingsMatchPyTorchOnEveryPath() {
    for (DataType dtype : List.of(DataType.DOUBLE, DataType.FLOAT)) {
      double tolerance = dtype == DataType.DOUBLE ? DOUBLE_TOLERANCE : FLOAT_TOLERANCE;
      try (EmbeddingModel m = bundle.toModel(dtype)) {
        double pooled = Golden.maxAbsDiff(m.pooled(batch()), matrix("pooled"));
        double embedded = Golden.maxAbsDiff(m.embed(batch()), matrix("embedding"));
        double graph = Golden.maxAbsDiff(m.embedWithGraph(batch()), matrix("embedding"));
        System.out.printf("RobertaImportTest (%s): pooled %.2e, embedding %.2e, graph %.2e vs "
            + "PyTorch%n", dtype, pooled, embedded, graph);
        assertTrue(pooled <= tolerance && embedded <= tolerance && graph <= tolerance,
            dtype + ": " + pooled + ", " + embedded + ", " + graph);
      }
    }
    EncoderConfig bertPositions = new EncoderConfig(40, 32, 2, 4, 64, 18, 1, 1e-5, 0.1, 0.1, 12,
        List.of(6, 12));
    try (EmbeddingModel m = EmbeddingModel.create(bertPositions, bundle.parameters(),
        bundle.tokenizer(), DataType.DOUBLE)) {
      double control = Golden.maxAbsDiff(m.embed(batch()), matrix("embedding"));
      assertTrue(control > 1e-3, "negative control: BERT's positions differ by " + control);
    }
  }

  @Test
  void theOnnxExportMatchesPyTorch() {
    for (OnnxEncoderExport.Operators ops : OnnxEncoderExport.Operators.values()) {
      byte[] model = OnnxEncoderExport.toBytes(bundle.config().model(), bundle.parameters(), ops);
      try (OnnxRuntimeEncoder e = OnnxRuntimeEncoder.create(model, 12, 1)) {
        double diff = Golden.maxAbsDiff(Nd4j.createFromArray(e.embed(batch())),
            matrix("embedding"));
        assertTrue(diff <= FLOAT_TOLERANCE, ops + ": " + diff);
      }
    }
  }

  @Test
  void theSentencePieceTokenizerWrapsTextsInSAndSlashS() {
    TokenBatch b = bundle.tokenizer().encode(List.of("w3 w7"));
    assertEquals(4, b.lengths()[0]);
    assertEquals(0, b.ids()[0], "<s>");
    assertEquals(2, b.ids()[3], "</s>");
  }

  @Test
  void bundleAndSentenceTransformersRoundTripsKeepThePositions() {
    bundle.write(tmp.resolve("bundle"), false);
    CheckpointBundle back = CheckpointBundle.read(tmp.resolve("bundle"));
    assertEquals(bundle.config(), back.config());
    assertEquals(2, JsonFiles.readTree(tmp.resolve("bundle/config.json"))
        .get("modules").get(0).get("positionOffset").asInt());
    SentenceTransformersFormat.write(bundle, tmp.resolve("st"), false);
    CheckpointBundle st = SentenceTransformersFormat.read(tmp.resolve("st"), List.of(6, 12));
    assertEquals(bundle.config().model(), st.config().model());
    assertEquals("roberta", JsonFiles.readTree(tmp.resolve("st/config.json"))
        .get("model_type").asText());
    try (EmbeddingModel a = bundle.toModel(DataType.DOUBLE);
        EmbeddingModel b = st.toModel(DataType.DOUBLE)) {
      double diff = Golden.maxAbsDiff(b.embed(batch()), a.embed(batch()).toDoubleMatrix());
      assertTrue(diff == 0, "identical after the round trip: " + diff);
    }
  }
}
