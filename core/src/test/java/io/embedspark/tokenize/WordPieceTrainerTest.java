package io.embedspark.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tests {@link WordPieceTrainer} and the tokenizer.json that {@link TokenizerJson} writes. */
class WordPieceTrainerTest {
  private static final List<String> SENTENCES = List.of(
      "The model reads the text, and the model writes the text.",
      "A small model learns the words of the text; the text teaches the model.",
      "The tokenizer splits the words into pieces: word pieces!",
      "Über die Straße läuft eine naïve Katze.",
      "日本語のテキストを読む。",
      "Модель читает текст.");
  private static final List<String> LANGUAGES = List.of("de", "fr", "es", "ja", "ru");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> train(int vocabSize, List<String> texts) {
    return new WordPieceTrainer(vocabSize, 1, false).train(texts);
  }

  private static Set<String> characters(List<String> texts) {
    Set<String> chars = new HashSet<>();
    BertPreTokenizer pre = new BertPreTokenizer(false);
    for (String text : texts) {
      for (String word : pre.words(text)) {
        word.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
      }
    }
    return chars;
  }

  @Test
  void specialTokensTakeTheFirstFiveIds() {
    List<String> vocab = train(120, SENTENCES);
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), vocab.subList(0, 5),
        "[PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4");
    assertEquals(TokenizerJson.BERT_SPECIAL_TOKENS, vocab.subList(0, 5),
        "the order TokenizerJson declares");
  }

  @Test
  void frequentWordsBecomeWholeTokens() {
    List<String> vocab = train(200, SENTENCES);
    for (String word : List.of("the", "model", "text")) {
      assertTrue(vocab.contains(word), "'" + word + "' occurs often and should be one token; "
          + "vocab = " + vocab);
    }
  }

  @Test
  void everyCharacterIsAWordStartAndAContinuation() {
    List<String> vocab = train(120, SENTENCES);
    Set<String> chars = characters(SENTENCES);
    assertTrue(chars.contains("日") && chars.contains("ä") && chars.contains("М"),
        "the corpus covers CJK, accented Latin and Cyrillic");
    for (String c : chars) {
      assertTrue(vocab.contains(c), "character '" + c + "' missing as a word start");
      assertTrue(vocab.contains("##" + c), "character '" + c + "' missing as a continuation");
    }
  }

  @Test
  void vocabularyReachesTheRequestedSizeWhenMergesAllow() {
    int alphabet = 5 + 2 * characters(SENTENCES).size();
    int requested = alphabet + 20;
    List<String> vocab = train(requested, SENTENCES);
    assertEquals(requested, vocab.size(), "specials + alphabet (" + alphabet + ") + 20 merges");
    assertEquals(vocab.size(), new HashSet<>(vocab).size(), "no token appears twice");
  }

  @Test
  void vocabularyStopsWhenMergesRunOut() {
    List<String> vocab = train(1000, List.of("ab ab ab"));
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##a", "b", "##b",
        "ab"), vocab, "specials, the alphabet both ways, then the single merge a + ##b");
  }

  @Test
  void charactersRarerThanMinFrequencyAreLeftOut() {
    List<String> vocab = new WordPieceTrainer(100, 2, false).train(List.of("aa aa b"));
    assertTrue(vocab.contains("a") && vocab.contains("##a"), "'a' occurs 4 times");
    assertFalse(vocab.contains("b") || vocab.contains("##b"), "'b' occurs once, under 2");
  }

  @Test
  void lowercasingTrainsAnUncasedVocabulary() {
    List<String> vocab = new WordPieceTrainer(100, 1, true).train(List.of("The THE the"));
    assertTrue(vocab.contains("the"), "all three spellings count as 'the': " + vocab);
    assertFalse(vocab.contains("T") || vocab.contains("##H"), "no upper-case characters");
  }

  @Test
  void uncasedVocabularyTokenizesAccentedCapitalisedWordsWithoutUnknown() {
    List<String> vocab = new WordPieceTrainer(100, 1, true)
        .train(Collections.nCopies(4, "café résumé naïve"));
    for (String accented : List.of("é", "##é", "ï", "##ï")) {
      assertFalse(vocab.contains(accented), "the uncased trainer strips accents, so '"
          + accented + "' is not in the vocabulary: " + vocab);
    }
    try (TextTokenizer tokenizer = new TextTokenizer(TokenizerJson.wordPiece(vocab, true), 32)) {
      TokenBatch batch = tokenizer.encode(List.of("Café Résumé"));
      List<String> tokens = tokenizer.tokens("Café Résumé");
      assertTrue(batch.lengths()[0] > 2, "more than [CLS] and [SEP]: " + tokens);
      for (int j = 0; j < batch.lengths()[0]; j++) {
        assertTrue(batch.ids()[j] != 1, "no [UNK] (id 1) at position " + j + ": " + tokens);
      }
      assertEquals(List.of("[CLS]", "cafe", "resume", "[SEP]"), tokens,
          "lower-cased and accent-stripped like the training text");
    }
  }

  @Test
  void tooSmallVocabularyIsRejected() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new WordPieceTrainer(5, 1, false), "5 is only the special tokens");
    assertTrue(e.getMessage().contains("vocabSize = 5"), "message names the value: "
        + e.getMessage());
  }

  @Test
  void trainingIsDeterministic() {
    assertEquals(train(150, SENTENCES), train(150, SENTENCES),
        "the same corpus gives the same vocabulary, id for id");
  }

  @Test
  void trainedVocabularyLoadsAndRoundTripsIds() {
    List<String> vocab = train(150, SENTENCES);
    try (TextTokenizer tokenizer = new TextTokenizer(TokenizerJson.wordPiece(vocab, false), 64)) {
      assertEquals(vocab.size(), tokenizer.vocabSize(), "one id per vocabulary entry");
      TokenBatch batch = tokenizer.encode(SENTENCES);
      for (int i = 0; i < SENTENCES.size(); i++) {
        List<String> tokens = tokenizer.tokens(SENTENCES.get(i));
        assertEquals(batch.lengths()[i], tokens.size(), "row " + i + " length");
        for (int j = 0; j < tokens.size(); j++) {
          int id = batch.ids()[i * batch.width() + j];
          assertEquals(vocab.indexOf(tokens.get(j)), id,
              "token '" + tokens.get(j) + "' of row " + i + " maps to its vocabulary index");
          assertTrue(id != 1, "no [UNK] in training text: " + tokens);
        }
        assertEquals(2, batch.ids()[i * batch.width()], "[CLS] first");
        assertEquals(3, batch.ids()[i * batch.width() + batch.lengths()[i] - 1], "[SEP] last");
      }
    }
  }

  @Test
  void wordPieceJsonNeedsTheSpecialTokens() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> TokenizerJson.wordPiece(List.of("[PAD]", "[CLS]", "[SEP]", "a"), false),
        "no [UNK]");
    assertTrue(e.getMessage().contains("[UNK]"), "message names the token: " + e.getMessage());
  }

  /**
   * Trains a 4000-token vocabulary on the bundled sample (English passages and the en/xx bitext)
   * and checks that the held-out mining texts of every language tokenize with under 1% [UNK].
   */
  @Test
  void multilingualSampleVocabularyHasFewUnknownTokens() {
    Path sample = sampleDir();
    List<String> corpus = new ArrayList<>(field(sample.resolve("pairs/train.jsonl"), "passage"));
    for (String lang : LANGUAGES) {
      Path train = sample.resolve("bitext/train_en-" + lang + ".jsonl");
      corpus.addAll(field(train, "en"));
      corpus.addAll(field(train, "xx"));
    }
    List<String> vocab = new WordPieceTrainer(4000, 1, false).train(corpus);
    assertEquals(4000, vocab.size(), "the sample allows 4000 tokens");
    Map<String, Double> rates = new LinkedHashMap<>();
    try (TextTokenizer tokenizer = new TextTokenizer(TokenizerJson.wordPiece(vocab, false), 512)) {
      for (String lang : LANGUAGES) {
        List<String> texts = field(sample.resolve("bitext/mining_test_en-" + lang + ".jsonl"),
            "xx");
        rates.put(lang, unknownRate(tokenizer, texts));
      }
    }
    System.out.println("WordPieceTrainerTest: [UNK] rate on mining_test xx texts, vocab 4000: "
        + rates);
    rates.forEach((lang, rate) -> assertTrue(rate < 0.01,
        "[UNK] rate for " + lang + " is " + rate + ", expected < 1%"));
  }

  /** Share of [UNK] among the word-piece tokens ([CLS] and [SEP] excluded). */
  private static double unknownRate(TextTokenizer tokenizer, List<String> texts) {
    TokenBatch b = tokenizer.encode(texts);
    long unknown = 0;
    long total = 0;
    for (int i = 0; i < b.size(); i++) {
      for (int j = 1; j < b.lengths()[i] - 1; j++) {
        total++;
        if (b.ids()[i * b.width() + j] == 1) {
          unknown++;
        }
      }
    }
    assertTrue(total > 0, "the test texts are not empty");
    return (double) unknown / total;
  }

  /** data/sample, seen from core/ (Surefire's working directory) or from the repository root. */
  private static Path sampleDir() {
    for (Path p : List.of(Path.of("../data/sample"), Path.of("data/sample"))) {
      if (Files.isDirectory(p.resolve("bitext"))) {
        return p;
      }
    }
    throw new IllegalStateException("data/sample not found from " + Path.of("").toAbsolutePath());
  }

  private static List<String> field(Path jsonl, String name) {
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode row = JSON.readTree(line);
        assertTrue(row.hasNonNull(name), jsonl + " row lacks '" + name + "': " + line);
        out.add(row.get(name).asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertFalse(out.isEmpty(), jsonl + " has rows");
    return out;
  }
}
