package io.embedspark.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.Golden;
import io.embedspark.error.CorruptArtifactException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tests {@link TextTokenizer} and {@link TokenBatch} on the golden tokenizer: a WordPiece over
 * {@code w0..w34} where {@code w_i} has id {@code 5 + i}, [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3.
 */
class TextTokenizerTest {
  private static final int PAD = 0;
  private static final int UNK = 1;
  private static final int CLS = 2;
  private static final int SEP = 3;
  private static TextTokenizer tokenizer;

  @BeforeAll
  static void load() {
    tokenizer = new TextTokenizer(Golden.tokenizerJson(), 16);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static int w(int i) {
    return 5 + i;
  }

  @Test
  void encodesWordsBetweenClsAndSep() {
    TokenBatch b = tokenizer.encode(List.of("w1 w2"));
    assertEquals(1, b.size(), "one text, one row");
    assertEquals(4, b.width(), "[CLS] w1 w2 [SEP]");
    assertArrayEquals(new int[] {CLS, w(1), w(2), SEP}, b.ids(), "ids of 'w1 w2'");
    assertArrayEquals(new int[] {4}, b.lengths(), "length counts the special tokens");
    assertFalse(b.truncated()[0], "a short text is not truncated");
  }

  @Test
  void unknownWordsBecomeUnk() {
    TokenBatch b = tokenizer.encode(List.of("w3 hello w34"));
    assertArrayEquals(new int[] {CLS, w(3), UNK, w(34), SEP}, b.ids(),
        "'hello' is not in the vocabulary");
  }

  @Test
  void tokensShowTheStrings() {
    assertEquals(List.of("[CLS]", "w7", "[UNK]", "[SEP]"), tokenizer.tokens("w7 zz"),
        "token strings, special tokens included");
  }

  @Test
  void padsToTheLongestTextWithPadId() {
    TokenBatch b = tokenizer.encode(List.of("w1", "w2 w3 w4", "w5 w6"));
    assertEquals(3, b.size(), "three rows");
    assertEquals(5, b.width(), "padded to the longest text: [CLS] w2 w3 w4 [SEP]");
    assertArrayEquals(new int[] {
        CLS, w(1), SEP, PAD, PAD,
        CLS, w(2), w(3), w(4), SEP,
        CLS, w(5), w(6), SEP, PAD}, b.ids(), "row-major ids padded with [PAD] = 0");
    assertArrayEquals(new int[] {3, 5, 4}, b.lengths(), "real tokens per row");
    assertEquals(12, b.realTokens(), "3 + 5 + 4 real tokens");
  }

  @Test
  void truncatesAtMaxLengthKeepingSepLast() {
    try (TextTokenizer short5 = new TextTokenizer(Golden.tokenizerJson(), 5)) {
      TokenBatch b = short5.encode(List.of("w1 w2 w3 w4 w5 w6 w7", "w8"));
      assertEquals(5, b.width(), "no row is longer than maxLength");
      assertArrayEquals(new int[] {CLS, w(1), w(2), w(3), SEP}, Arrays.copyOf(
          b.ids(), 5), "the first text keeps [CLS], its first 3 words and [SEP] last");
      assertArrayEquals(new int[] {5, 3}, b.lengths(), "lengths after truncation");
      assertTrue(b.truncated()[0], "the long text is flagged as truncated");
      assertFalse(b.truncated()[1], "the short text is not");
      assertEquals(5, short5.maxLength(), "maxLength as given");
    }
  }

  @Test
  void textOfExactlyMaxLengthIsNotTruncated() {
    try (TextTokenizer short5 = new TextTokenizer(Golden.tokenizerJson(), 5)) {
      TokenBatch b = short5.encode(List.of("w1 w2 w3"));
      assertArrayEquals(new int[] {CLS, w(1), w(2), w(3), SEP}, b.ids(), "fits exactly");
      assertFalse(b.truncated()[0], "5 tokens fit in maxLength 5");
    }
  }

  @Test
  void vocabSizeAndJsonAreKept() {
    assertEquals(40, tokenizer.vocabSize(), "5 special tokens + w0..w34");
    assertEquals(Golden.tokenizerJson(), tokenizer.json(), "the JSON text is kept unchanged");
  }

  @Test
  void maskMarksRealTokens() {
    TokenBatch b = tokenizer.encode(List.of("w1", "w2 w3 w4"));
    assertArrayEquals(new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.mask(),
        "1 for the 3 and 5 real tokens, 0 for padding");
  }

  @Test
  void positionsCountFromZeroOnEveryRow() {
    TokenBatch b = tokenizer.encode(List.of("w1", "w2 w3"));
    assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, b.positions(),
        "positions 0..T-1 on each row, padding included");
  }

  @Test
  void sliceRepadsToTheLongestRowOfTheSlice() {
    TokenBatch b = tokenizer.encode(List.of("w1 w2 w3 w4 w5", "w6", "w7 w8"));
    TokenBatch s = b.slice(1, 3);
    assertEquals(2, s.size(), "rows 1 and 2");
    assertEquals(4, s.width(), "the longest sliced row: [CLS] w7 w8 [SEP]");
    assertArrayEquals(new int[] {CLS, w(6), SEP, PAD, CLS, w(7), w(8), SEP}, s.ids(),
        "sliced ids re-padded");
    assertArrayEquals(new int[] {3, 4}, s.lengths(), "lengths of rows 1 and 2");
    assertArrayEquals(new boolean[] {false, false}, s.truncated(), "truncation flags kept");
  }

  @Test
  void sliceOfOneRowHasNoPadding() {
    TokenBatch b = tokenizer.encode(List.of("w1 w2 w3 w4 w5", "w6"));
    TokenBatch s = b.slice(1, 2);
    assertEquals(3, s.width(), "a row alone is as wide as its length");
    assertArrayEquals(new int[] {CLS, w(6), SEP}, s.ids(), "ids of row 1 alone");
    assertArrayEquals(new float[] {1, 1, 1}, s.mask(), "no padding in the mask");
  }

  @Test
  void invalidJsonIsCorruptArtifact() {
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> new TextTokenizer("{ \"model\": ", 16), "truncated JSON");
    assertTrue(e.getMessage().contains("tokenizer.json"), "message names the file: "
        + e.getMessage());
  }

  @Test
  void jsonWithoutVocabIsCorruptArtifact() {
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> new TextTokenizer("{\"model\": {\"type\": \"WordPiece\"}}", 16), "no vocab");
    assertTrue(e.getMessage().contains("model.vocab"), "message names the key: "
        + e.getMessage());
  }

  @Test
  void modelTheLibraryRejectsIsCorruptArtifact() {
    String broken = Golden.tokenizerJson().replace("\"type\": \"WordPiece\",\n    \"unk_token\"",
        "\"type\": \"NoSuchModel\",\n    \"unk_token\"");
    assertFalse(broken.equals(Golden.tokenizerJson()), "the test edit must apply");
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> new TextTokenizer(broken, 16), "unknown model type");
    assertTrue(e.getMessage().contains("model.type = 'NoSuchModel'"), "names the value: "
        + e.getMessage());
  }

  /**
   * Found by fuzzing: a template naming a special token that special_tokens does not define
   * made the native library abort the JVM at the first encode. It is refused at load, naming it.
   */
  @Test
  void aTemplateNamingAnUndefinedSpecialTokenIsRefusedAtLoad() {
    String json = io.embedspark.Golden.tokenizerJson().replaceFirst(
        "\\{\\s*\"SpecialToken\":\\s*\\{\\s*\"id\":\\s*\"\\[CLS\\]\"",
        "{\"SpecialToken\": {\"id\": \"[CLX]\"");
    io.embedspark.error.CorruptArtifactException e = assertThrows(
        io.embedspark.error.CorruptArtifactException.class, () -> new TextTokenizer(json, 16));
    assertTrue(e.getMessage().contains("post_processor.single names the special token '[CLX]'"),
        e.getMessage());
    try (TextTokenizer intact = new TextTokenizer(io.embedspark.Golden.tokenizerJson(), 16)) {
      assertEquals(1, intact.encode(java.util.List.of("w1")).size(),
          "negative control: the intact template loads and encodes");
    }
  }

  @Test
  void anUnknownTokenMissingFromTheVocabularyIsRefusedAtLoad() {
    // Found by TokenizerJsonFuzzTest: the library aborted its process at the first unknown word.
    String json = io.embedspark.Golden.tokenizerJson().replaceFirst("\"\\[UNK\\]\":",
        "\"[UNX]\":");
    io.embedspark.error.CorruptArtifactException e = assertThrows(
        io.embedspark.error.CorruptArtifactException.class, () -> new TextTokenizer(json, 16));
    assertTrue(e.getMessage().contains("model.unk_token '[UNK]' is not in model.vocab"),
        e.getMessage());
    String unigram = "{\"model\": {\"type\": \"Unigram\", \"unk_id\": 5, \"vocab\": "
        + "[[\"<unk>\", 0.0], [\"a\", -1.0]]}}";
    e = assertThrows(io.embedspark.error.CorruptArtifactException.class,
        () -> TextTokenizer.validate(unigram));
    assertTrue(e.getMessage().contains("model.unk_id = 5 is outside model.vocab (2 pieces)"),
        e.getMessage());
    TextTokenizer.validate(io.embedspark.Golden.tokenizerJson()); // negative control
  }
}
