package io.embedspark.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests {@link BertPreTokenizer}, which must split text as the tokenizer.json pipeline does. */
class BertPreTokenizerTest {
  private final BertPreTokenizer cased = new BertPreTokenizer(false);

  @Test
  void splitsOnWhitespaceAndAsciiPunctuation() {
    assertEquals(List.of("Hello", ",", "world", "!", "It", "'", "s", "3", ".", "5", "$"),
        cased.words("Hello, world! It's 3.5$"), "each punctuation character is its own word");
  }

  @Test
  void splitsUnicodePunctuation() {
    assertEquals(List.of("«", "Bonjour", "»", "—", "dit", "-", "il", "…"),
        cased.words("«Bonjour» —dit-il…"), "quotes, dashes and ellipsis are punctuation");
  }

  @Test
  void splitsCjkIdeographsButNotKana() {
    assertEquals(List.of("日", "本", "語", "のテキスト"), cased.words("日本語のテキスト"),
        "every ideograph alone; hiragana and katakana stay together");
  }

  @Test
  void fullWidthPunctuationIsSplit() {
    assertEquals(List.of("読", "む", "。"), cased.words("読む。"),
        "the ideographic full stop is punctuation");
  }

  @Test
  void splitsOnEveryKindOfWhitespace() {
    assertEquals(List.of("a", "b", "c", "d", "e"), cased.words(" a\tb\nc\u00A0d\u3000e "),
        "tab, newline, no-break space and ideographic space separate words");
  }

  @Test
  void dropsControlAndFormatCharacters() {
    assertEquals(List.of("abc"), cased.words("a\u0000b\u200Bc\u0007"),
        "NUL, zero-width space and BEL are removed, not separators");
  }

  @Test
  void lowercasesOnlyWhenAsked() {
    assertEquals(List.of("Straße", "ÜBER"), cased.words("Straße ÜBER"), "cased keeps case");
    assertEquals(List.of("straße", "uber"), new BertPreTokenizer(true).words("Straße ÜBER"),
        "uncased lower-cases and strips accents, as BertNormalizer");
  }

  @Test
  void symbolsOutsideAsciiAreNotPunctuation() {
    assertFalse(BertPreTokenizer.isPunctuation('€'), "currency signs are symbols (Sc)");
    assertTrue(BertPreTokenizer.isPunctuation('`'), "ASCII symbols count as punctuation");
    assertTrue(BertPreTokenizer.isCjk(0x4E00), "first CJK unified ideograph");
    assertFalse(BertPreTokenizer.isCjk('の'), "hiragana is not an ideograph");
  }

  @Test
  void emptyAndBlankTextsHaveNoWords() {
    assertEquals(List.of(), cased.words(""), "empty text");
    assertEquals(List.of(), cased.words(" \t\n "), "blank text");
  }
}
