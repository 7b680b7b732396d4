package io.embedspark.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.Golden;
import io.embedspark.embed.CoreShare;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import io.embedspark.tokenize.TokenBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.embedspark.onnx.OnnxEncoderExport.Operators;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exported ONNX graph, run by ONNX Runtime, against the independent PyTorch BERT of {@code
 * tools/golden/bert_encoder.py} on its padded token batch, and against the ND4J inference pass.
 * Both operator sets. Negative control: a model with one weight changed gives other embeddings.
 */
class OnnxEncoderExportTest {
  private static final double FLOAT_TOLERANCE = 1e-5;
  private static CheckpointBundle bundle;

  @BeforeAll
  static void load() {
    bundle = Golden.importWithGoldenProjection();
  }

  private static float[][] runOnnx(Operators operators, ModelParameters params,
      TokenBatch batch) {
    byte[] model = OnnxEncoderExport.toBytes(bundle.config().model(), params, operators);
    try (OnnxRuntimeEncoder encoder = OnnxRuntimeEncoder.create(model,
        bundle.config().model().outputDim(), 1)) {
      return encoder.embed(batch);
    }
  }

  @ParameterizedTest
  @EnumSource(Operators.class)
  void onnxRuntimeMatchesPyTorch(Operators operators) {
    TokenBatch batch = Golden.batch();
    assertTrue(batch.realTokens() < (long) batch.size() * batch.width(),
        "the golden batch has padding, so the mask is exercised");
    float[][] onnx = runOnnx(operators, bundle.parameters(), batch);
    double diff = Golden.maxAbsDiff(Nd4j.createFromArray(onnx), Golden.matrix("embedding"));
    System.out.println("OnnxEncoderExportTest: ONNX Runtime (" + operators + ") vs PyTorch "
        + "max |diff| = " + diff);
    assertTrue(diff <= FLOAT_TOLERANCE, "max |diff| = " + diff);
  }

  @ParameterizedTest
  @EnumSource(Operators.class)
  void onnxRuntimeMatchesTheNd4jPass(Operators operators) {
    TokenBatch batch = Golden.batch();
    try (EmbeddingModel nd4j = EmbeddingModel.create(bundle.config().model(),
        bundle.parameters(), bundle.tokenizer(), DataType.FLOAT)) {
      double diff = Golden.maxAbsDiff(Nd4j.createFromArray(runOnnx(operators, bundle.parameters(),
          batch)),
          nd4j.embed(batch));
      assertTrue(diff <= FLOAT_TOLERANCE, "max |diff| = " + diff);
    }
  }

  @ParameterizedTest
  @EnumSource(Operators.class)
  void aSequenceIsEmbeddedTheSameAloneAsInAPaddedBatch(Operators operators) {
    TokenBatch batch = Golden.batch();
    float[][] together = runOnnx(operators, bundle.parameters(), batch);
    for (int i = 0; i < batch.size(); i++) {
      TokenBatch alone = batch.select(new int[] {i});
      TokenBatch trimmed = new TokenBatch(1, alone.lengths()[0],
          java.util.Arrays.copyOf(alone.ids(), alone.lengths()[0]), alone.lengths(),
          alone.truncated());
      float[] single = runOnnx(operators, bundle.parameters(), trimmed)[0];
      for (int k = 0; k < single.length; k++) {
        assertEquals(together[i][k], single[k], 1e-5, "row " + i + " coordinate " + k);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Operators.class)
  void negativeControlAChangedWeightChangesTheEmbeddings(Operators operators) {
    Map<String, FloatTensor> changed = new LinkedHashMap<>(bundle.parameters().tensors());
    String name = ParameterNames.intermediate(1) + ".weight";
    FloatTensor w = changed.get(name);
    float[] values = w.values().clone();
    for (int i = 0; i < values.length; i++) {
      values[i] = -values[i];
    }
    changed.put(name, new FloatTensor(w.shape(), values));
    ModelParameters other = ModelParameters.of(changed, bundle.config().model(), name);
    double diff = Golden.maxAbsDiff(Nd4j.createFromArray(runOnnx(operators, other, Golden.batch())),
        Golden.matrix("embedding"));
    assertTrue(diff > 1e-2, "a negated feed-forward kernel must show, max |diff| = " + diff);
  }

  @Test
  void anExportedDirectoryHoldsTheModelAndTokenizerAndIsNotReplacedUnasked(@TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("onnx");
    OnnxEncoderExport.writeDirectory(bundle, Operators.STANDARD, dir, false);
    assertEquals(bundle.tokenizerJson(), Files.readString(dir.resolve("tokenizer.json")));
    try (OnnxRuntimeEncoder encoder = OnnxRuntimeEncoder.create(
        Files.readAllBytes(dir.resolve("model.onnx")), bundle.config().model().outputDim(), 1)) {
      double diff = Golden.maxAbsDiff(Nd4j.createFromArray(encoder.embed(Golden.batch())),
          Golden.matrix("embedding"));
      assertTrue(diff <= FLOAT_TOLERANCE, "max |diff| = " + diff);
    }
    assertThrows(InvalidInputException.class,
        () -> OnnxEncoderExport.writeDirectory(bundle, Operators.STANDARD, dir, false));
  }

  @ParameterizedTest
  @EnumSource(Operators.class)
  void clsPoolingMatchesPyTorch(Operators operators) {
    var cls = bundle.config().model().withPooling(io.embedspark.model.Pooling.CLS);
    byte[] model = OnnxEncoderExport.toBytes(cls, bundle.parameters(), operators);
    try (OnnxRuntimeEncoder encoder = OnnxRuntimeEncoder.create(model, cls.outputDim(), 1)) {
      float[][] onnx = encoder.embed(Golden.batch());
      double diff = Golden.maxAbsDiff(Nd4j.createFromArray(onnx),
          Golden.matrix("cls_embedding"));
      System.out.println("OnnxEncoderExportTest: CLS pooling (" + operators + ") vs PyTorch "
          + "max |diff| = " + diff);
      assertTrue(diff <= FLOAT_TOLERANCE, "CLS: " + diff);
      double control = Golden.maxAbsDiff(Nd4j.createFromArray(onnx), Golden.matrix("embedding"));
      assertTrue(control > 1e-2, "negative control: the mean-pooled golden differs " + control);
    }
  }

  @Test
  void anEncoderSharingCoresHoldsASessionPerThreadCountAndBothMatchPyTorch() {
    byte[] model = OnnxEncoderExport.toBytes(bundle.config().model(), bundle.parameters(),
        Operators.ONNXRUNTIME);
    CoreShare share = new CoreShare(2, 1);
    try (OnnxRuntimeEncoder encoder = OnnxRuntimeEncoder.create(model,
        bundle.config().model().outputDim(), share)) {
      assertEquals(2, encoder.sessionCount());
      Runnable first = share.join();
      Runnable second = share.join();
      assertEquals(1, share.threads());
      float[][] shared = encoder.embed(Golden.batch());
      second.run();
      assertEquals(2, share.threads());
      float[][] alone = encoder.embed(Golden.batch());
      first.run();
      for (float[][] e : new float[][][] {shared, alone}) {
        double diff = Golden.maxAbsDiff(Nd4j.createFromArray(e), Golden.matrix("embedding"));
        assertTrue(diff <= FLOAT_TOLERANCE, "max |diff| = " + diff);
      }
    }
    try (OnnxRuntimeEncoder fixed = OnnxRuntimeEncoder.create(model,
        bundle.config().model().outputDim(), 2)) {
      assertEquals(1, fixed.sessionCount(), "a fixed thread count needs one session");
    }
  }
}
