package io.embedspark.tokenize;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into words as BERT's normalizer and pre-tokenizer do before WordPiece (Devlin et
 * al. 2019; Hugging Face {@code BertNormalizer} with {@code clean_text} and
 * {@code handle_chinese_chars}, then {@code BertPreTokenizer}): control characters dropped,
 * whitespace splits, every punctuation character and every CJK ideograph is a word of its own;
 * lower-casing also strips accents, as {@code BertNormalizer} does.
 * Used to count words when training a vocabulary, so the trained pieces match what the tokenizer
 * will see.
 */
public final class BertPreTokenizer {
  private final boolean lowercase;

  public BertPreTokenizer(boolean lowercase) {
    this.lowercase = lowercase;
  }

  /** The words of a text. */
  public List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    String normalised = lowercase ? stripAccents(text.toLowerCase(java.util.Locale.ROOT)) : text;
    for (int i = 0; i < normalised.length(); ) {
      int cp = normalised.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
        continue;
      }
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        flush(current, words);
      } else if (isPunctuation(cp) || isCjk(cp)) {
        flush(current, words);
        words.add(new String(Character.toChars(cp)));
      } else {
        current.appendCodePoint(cp);
      }
    }
    flush(current, words);
    return words;
  }

  /** NFD, then drop combining marks: what BertNormalizer does when it lower-cases. */
  static String stripAccents(String text) {
    String nfd = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD);
    StringBuilder b = new StringBuilder(nfd.length());
    for (int i = 0; i < nfd.length(); ) {
      int cp = nfd.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) != Character.NON_SPACING_MARK) {
        b.appendCodePoint(cp);
      }
    }
    return b.toString();
  }

  private static void flush(StringBuilder current, List<String> words) {
    if (current.length() > 0) {
      words.add(current.toString());
      current.setLength(0);
    }
  }

  private static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT
        || type == Character.PRIVATE_USE || type == Character.SURROGATE;
  }

  /** ASCII punctuation and symbols, and every Unicode punctuation category, as BERT. */
  static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
        || (cp >= 123 && cp <= 126)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
        || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
        || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION;
  }

  /** The CJK Unified Ideograph blocks that BERT splits character by character. */
  static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
