package io.embedspark.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.TinyBundles;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class BucketedEmbedderTest {
  @Test
  void bucketedEmbeddingsEqualOneByOneEmbeddingsInInputOrder() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String base = TinyBundles.TEXTS.get(i % TinyBundles.TEXTS.size());
      texts.add(i % 7 == 0 ? (base + " ").repeat(10) : base.substring(0, 1 + i % base.length()));
    }
    try (EmbeddingModel model = TinyBundles.create(3).toModel(DataType.FLOAT)) {
      BucketedEmbedder.Result r = new BucketedEmbedder(model, 64, 8).embed(texts);
      float[][] single = model.embedTexts(texts, 1);
      double worst = 0;
      for (int i = 0; i < texts.size(); i++) {
        for (int k = 0; k < single[i].length; k++) {
          worst = Math.max(worst, Math.abs(r.embeddings()[i][k] - single[i][k]));
        }
      }
      assertTrue(worst < 1e-5, "max |bucketed - single| " + worst);
      assertTrue(r.truncated()[0], "the repeated text exceeds " + TinyBundles.MAX_LENGTH);
      assertFalse(r.truncated()[1]);
      assertTrue(r.paddedTokens() >= r.realTokens());
      float[][] shifted = model.embedTexts(texts.subList(1, texts.size()), 1);
      double control = 0;
      for (int k = 0; k < single[1].length; k++) {
        control = Math.max(control, Math.abs(r.embeddings()[1][k] - shifted[1][k]));
      }
      assertTrue(control > 1e-3, "negative control: another text's embedding differs");
    }
  }

  @Test
  void anEmptyWindowGivesNothing() {
    try (EmbeddingModel model = TinyBundles.create(3).toModel(DataType.FLOAT)) {
      assertEquals(0, new BucketedEmbedder(model, 64, 8).embed(List.of()).embeddings().length);
    }
  }

  @Test
  void aModelThatOverflowsNeverReturnsANonFiniteVector() {
    CheckpointBundle b = TinyBundles.create(3);
    Map<String, FloatTensor> huge = new LinkedHashMap<>(b.parameters().tensors());
    FloatTensor words = huge.get(ParameterNames.WORD_EMBEDDINGS);
    float[] values = words.values().clone();
    java.util.Arrays.fill(values, Float.MAX_VALUE);
    huge.put(ParameterNames.WORD_EMBEDDINGS, new FloatTensor(words.shape(), values));
    ModelParameters finiteButHuge = ModelParameters.of(huge, b.config().model(), "huge");
    try (EmbeddingModel model = EmbeddingModel.create(b.config().model(), finiteButHuge,
        b.tokenizer(), DataType.FLOAT)) {
      BucketedEmbedder.NonFiniteEmbeddingException e = assertThrows(
          BucketedEmbedder.NonFiniteEmbeddingException.class,
          () -> new BucketedEmbedder(model, 64, 8).embed(List.of("abc", "def")));
      assertTrue(e.index() == 0 || e.index() == 1, "names a text of the window: " + e.index());
    }
    try (EmbeddingModel intact = b.toModel(DataType.FLOAT)) {
      assertEquals(2, new BucketedEmbedder(intact, 64, 8).embed(List.of("abc", "def"))
          .embeddings().length, "negative control: the intact model embeds both");
    }
  }
}
