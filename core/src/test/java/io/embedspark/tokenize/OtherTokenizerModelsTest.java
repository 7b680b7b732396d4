package io.embedspark.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The BPE and Unigram tokenizer models that multilingual checkpoints use (RoBERTa/XLM-R style)
 * load through the same {@link TextTokenizer}. The expected ids follow from each file's vocabulary
 * and merges by hand.
 */
class OtherTokenizerModelsTest {

  private static String resource(String name) throws IOException {
    try (InputStream in = OtherTokenizerModelsTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void bpeAppliesMergesInOrderAndAddsItsTemplateTokens() throws IOException {
    try (TextTokenizer t = new TextTokenizer(resource("/tokenizers/bpe.json"), 16)) {
      // "lower" merges l+o, lo+w, (e+r), low+er -> 12; "lost" -> lo s t.
      assertArrayEquals(new int[] {0, 12, 9, 14, 15, 2}, t.encode(List.of("lower lost")).ids());
      assertEquals(16, t.vocabSize());
      assertEquals(List.of("<s>", "lower", "lo", "s", "t", "</s>"), t.tokens("lower lost"));
    }
  }

  @Test
  void bpeTruncatesAndPadsLikeWordPiece() throws IOException {
    try (TextTokenizer t = new TextTokenizer(resource("/tokenizers/bpe.json"), 4)) {
      TokenBatch b = t.encode(List.of("lower lower lower", "low"));
      assertEquals(4, b.width());
      assertArrayEquals(new int[] {0, 12, 12, 2, 0, 10, 2, 1}, b.ids(),
          "truncated row keeps </s>; short row padded with <pad> = 1");
      assertArrayEquals(new boolean[] {true, false}, b.truncated());
    }
  }

  @Test
  void unigramPicksTheMostLikelySegmentationWithMetaspace() throws IOException {
    try (TextTokenizer t = new TextTokenizer(resource("/tokenizers/unigram.json"), 16)) {
      // "▁Bibliothek" (-5.0) beats "▁Biblio" + "thek" (-8.5); "▁für" is one piece.
      assertEquals(List.of("<s>", "\u2581Bibliothek", "\u2581für", "</s>"),
          t.tokens("Bibliothek für"));
      assertArrayEquals(new int[] {0, 7, 8, 2}, t.encode(List.of("Bibliothek für")).ids());
      assertEquals(List.of("<s>", "\u2581日本", "語", "</s>"), t.tokens("日本語"));
      assertEquals(21, t.vocabSize());
    }
  }
}
