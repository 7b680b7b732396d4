package io.embedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.Golden;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.tokenize.TokenBatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder against an independent PyTorch BERT ({@code tools/golden/bert_encoder.py}): the
 * golden checkpoint is imported as a Hugging Face directory, its random projection replaced by the
 * golden one, and the pooled states and embeddings of the golden token batch compared, both for
 * the inference path ({@link io.embedspark.model.modules.InferencePipeline}) and for the SameDiff graph used in training.
 */
class EncoderGoldenTest {
  private static final double DOUBLE_TOLERANCE = 1e-12;
  private static final double FLOAT_TOLERANCE = 1e-5;
  private static CheckpointBundle bundle;
  private static EmbeddingModel doubleModel;
  private static EmbeddingModel floatModel;

  @BeforeAll
  static void load() {
    bundle = Golden.importWithGoldenProjection();
    doubleModel = model(bundle.parameters(), DataType.DOUBLE);
    floatModel = model(bundle.parameters(), DataType.FLOAT);
  }

  @AfterAll
  static void close() {
    doubleModel.close();
    floatModel.close();
  }

  private static EmbeddingModel model(ModelParameters params, DataType dtype) {
    return EmbeddingModel.create(bundle.config().model(), params, bundle.tokenizer(), dtype);
  }

  private static void assertWithin(String what, double tolerance, double diff) {
    System.out.println("EncoderGoldenTest: " + what + " max |diff| vs PyTorch = " + diff);
    assertTrue(diff <= tolerance, what + ": max |diff| = " + diff + " exceeds " + tolerance);
  }

  @Test
  void importedConfigMatchesTheGoldenCheckpoint() {
    EncoderConfig c = bundle.config().model();
    assertEquals(new EncoderConfig(40, 32, 2, 4, 64, 16, 2, 1e-12, 0.1, 0.1, 12, List.of(6, 12)),
        c, "config.json of bert-tiny with the 12-dim projection");
    assertEquals(List.of(), c.problems("model."), "the imported config is valid");
  }

  @Test
  void doublePooledMatchesPyTorch() {
    assertWithin("pooled (double)", DOUBLE_TOLERANCE,
        Golden.maxAbsDiff(doubleModel.pooled(Golden.batch()), Golden.matrix("pooled")));
  }

  @Test
  void doubleEmbeddingMatchesPyTorch() {
    assertWithin("embedding (double)", DOUBLE_TOLERANCE,
        Golden.maxAbsDiff(doubleModel.embed(Golden.batch()), Golden.matrix("embedding")));
  }

  @Test
  void floatPooledMatchesPyTorch() {
    assertWithin("pooled (float)", FLOAT_TOLERANCE,
        Golden.maxAbsDiff(floatModel.pooled(Golden.batch()), Golden.matrix("pooled")));
  }

  @Test
  void floatEmbeddingMatchesPyTorch() {
    assertWithin("embedding (float)", FLOAT_TOLERANCE,
        Golden.maxAbsDiff(floatModel.embed(Golden.batch()), Golden.matrix("embedding")));
  }

  @Test
  void embeddingsHaveUnitRowsAndTheConfiguredWidth() {
    INDArray e = doubleModel.embed(Golden.batch());
    assertArrayEquals(new long[] {4, 12}, e.shape(), "[N, outputDim]");
    INDArray norms = e.norm2(1);
    for (int i = 0; i < 4; i++) {
      assertEquals(1.0, norms.getDouble(i), 1e-12, "row " + i + " has unit length");
    }
    assertArrayEquals(new long[] {4, 32}, doubleModel.pooled(Golden.batch()).shape(),
        "pooled is [N, hiddenSize]");
  }

  @Test
  void perturbedWeightChangesTheOutput() {
    String name = ParameterNames.output(1) + ".weight";
    Map<String, FloatTensor> tensors = new LinkedHashMap<>(bundle.parameters().tensors());
    FloatTensor original = tensors.get(name);
    float[] values = original.values().clone();
    values[0] += 0.01f;
    tensors.put(name, new FloatTensor(original.shape(), values));
    ModelParameters perturbed = ModelParameters.of(tensors, bundle.config().model(), "perturbed");
    try (EmbeddingModel m = model(perturbed, DataType.DOUBLE)) {
      double pooledDiff = Golden.maxAbsDiff(m.pooled(Golden.batch()), Golden.matrix("pooled"));
      double embeddingDiff = Golden.maxAbsDiff(m.embed(Golden.batch()),
          Golden.matrix("embedding"));
      assertTrue(pooledDiff > 1e-4, "negative control: pooled max |diff| = " + pooledDiff
          + " after adding 0.01 to one element of " + name);
      assertTrue(embeddingDiff > 1e-4, "negative control: embedding max |diff| = "
          + embeddingDiff + " after adding 0.01 to one element of " + name);
    }
  }

  @Test
  void paddingDoesNotChangeARowsEmbedding() {
    TokenBatch batch = Golden.batch();
    INDArray padded = doubleModel.embed(batch);
    for (int row = 0; row < batch.size(); row++) {
      TokenBatch alone = batch.slice(row, row + 1);
      assertEquals(batch.lengths()[row], alone.width(), "row " + row + " alone has no padding");
      double diff = Golden.maxAbsDiff(doubleModel.embed(alone), padded.getRow(row, true));
      assertTrue(diff <= DOUBLE_TOLERANCE, "row " + row + ": alone vs in the padded batch, max "
          + "|diff| = " + diff);
    }
  }

  @Test
  void embedTextsRejectsANonPositiveBatchSize() {
    for (int batchSize : new int[] {0, -1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> doubleModel.embedTexts(List.of("w1 w2"), batchSize),
          "batchSize " + batchSize + " would never advance");
      assertTrue(e.getMessage().contains("batchSize = " + batchSize),
          "names the value: " + e.getMessage());
    }
  }

  @Test
  void parametersReadBackFromTheGraphAreTheLoadedOnes() {
    ModelParameters back = ModelParameters.readFrom(floatModel.graph(), bundle.config().model());
    assertEquals(bundle.parameters().tensors().keySet(), back.tensors().keySet(),
        "same tensor names in the same order");
    for (Map.Entry<String, FloatTensor> e : bundle.parameters().tensors().entrySet()) {
      assertEquals(e.getValue(), back.get(e.getKey()), "tensor " + e.getKey()
          + " survives copyInto and readFrom unchanged (float graph)");
    }
  }

  @Test
  void samediffGraphMatchesPyTorchToo() {
    double diffDouble = Golden.maxAbsDiff(doubleModel.embedWithGraph(Golden.batch()),
        Golden.matrix("embedding"));
    assertWithin("graph embedding (double)", DOUBLE_TOLERANCE, diffDouble);
    double diffFloat = Golden.maxAbsDiff(floatModel.embedWithGraph(Golden.batch()),
        Golden.matrix("embedding"));
    assertWithin("graph embedding (float)", FLOAT_TOLERANCE, diffFloat);
  }

  @Test
  void inferencePathEqualsTheGraphOnPaddedBatchesAndReusedBuffers() {
    TokenBatch full = Golden.batch();
    for (TokenBatch b : List.of(full, full.slice(1, 3), full, full.slice(0, 1))) {
      double diff = Golden.maxAbsDiff(doubleModel.embed(b), doubleModel.embedWithGraph(b));
      assertTrue(diff <= 1e-13, "inference path vs graph, " + b.size() + " x " + b.width()
          + ": max |diff| = " + diff);
    }
  }

  @Test
  void clsPoolingMatchesPyTorchOnEveryPath() {
    EncoderConfig cls = bundle.config().model().withPooling(Pooling.CLS);
    for (DataType dtype : List.of(DataType.DOUBLE, DataType.FLOAT)) {
      double tolerance = dtype == DataType.DOUBLE ? DOUBLE_TOLERANCE : FLOAT_TOLERANCE;
      try (EmbeddingModel m = EmbeddingModel.create(cls, bundle.parameters(), bundle.tokenizer(),
          dtype)) {
        assertWithin("CLS pooled (" + dtype + ")", tolerance,
            Golden.maxAbsDiff(m.pooled(Golden.batch()), Golden.matrix("cls_pooled")));
        assertWithin("CLS embedding (" + dtype + ")", tolerance,
            Golden.maxAbsDiff(m.embed(Golden.batch()), Golden.matrix("cls_embedding")));
        assertWithin("CLS graph embedding (" + dtype + ")", tolerance,
            Golden.maxAbsDiff(m.embedWithGraph(Golden.batch()), Golden.matrix("cls_embedding")));
      }
    }
    double control = Golden.maxAbsDiff(doubleModel.embed(Golden.batch()),
        Golden.matrix("cls_embedding"));
    assertTrue(control > 1e-2, "negative control: mean pooling vs the CLS golden " + control);
  }
}
