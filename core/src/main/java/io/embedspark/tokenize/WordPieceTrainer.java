package io.embedspark.tokenize;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a WordPiece vocabulary from a corpus the way Hugging Face's {@code WordPieceTrainer}
 * does: byte-pair-encoding merges (Sennrich et al. 2016, arXiv 1508.07909) over words, where a
 * piece that does not start a word carries the {@code ##} prefix (Wu et al. 2016, arXiv
 * 1609.08144). Every character seen at least {@code minCharFrequency} times enters the vocabulary
 * both as a word start and as a continuation, so text in any script of the corpus tokenizes
 * without unknown tokens.
 */
public final class WordPieceTrainer {
  private final int vocabSize;
  private final int minCharFrequency;
  private final BertPreTokenizer preTokenizer;

  /**
   * @param vocabSize target size including the special tokens; fewer if merges run out
   * @param minCharFrequency characters rarer than this are left to {@code [UNK]}
   * @param lowercase train an uncased vocabulary
   */
  public WordPieceTrainer(int vocabSize, int minCharFrequency, boolean lowercase) {
    if (vocabSize < TokenizerJson.BERT_SPECIAL_TOKENS.size() + 1) {
      throw new InvalidInputException("tokenizer.vocabSize = " + vocabSize + " is too small");
    }
    this.vocabSize = vocabSize;
    this.minCharFrequency = minCharFrequency;
    this.preTokenizer = new BertPreTokenizer(lowercase);
  }

  /** Trains on the texts and returns the vocabulary, id i at index i. */
  public List<String> train(Iterable<String> texts) {
    Map<String, Integer> wordCounts = new HashMap<>();
    for (String text : texts) {
      for (String w : preTokenizer.words(text)) {
        if (w.codePointCount(0, w.length()) <= 100) {
          wordCounts.merge(w, 1, Integer::sum);
        }
      }
    }
    return new Merger(wordCounts).run();
  }

  /** The merge loop's state: words as id sequences, pair counts, and where each pair occurs. */
  private final class Merger {
    private final List<String> vocab = new ArrayList<>(TokenizerJson.BERT_SPECIAL_TOKENS);
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<int[]> words = new ArrayList<>();
    private final List<Integer> counts = new ArrayList<>();
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
    private final PriorityQueue<long[]> queue =
        new PriorityQueue<>((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1])
            : Long.compare(a[0], b[0]));

    Merger(Map<String, Integer> wordCounts) {
      for (int i = 0; i < vocab.size(); i++) {
        ids.put(vocab.get(i), i);
      }
      addAlphabet(wordCounts);
      for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
        int[] symbols = split(e.getKey());
        if (symbols != null) {
          words.add(symbols);
          counts.add(e.getValue());
        }
      }
      for (int w = 0; w < words.size(); w++) {
        countPairs(w, +1);
      }
    }

    private void addAlphabet(Map<String, Integer> wordCounts) {
      Map<String, Long> charCounts = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
        String w = e.getKey();
        for (int i = 0; i < w.length(); ) {
          int cp = w.codePointAt(i);
          String c = new String(Character.toChars(cp));
          charCounts.merge(c, (long) e.getValue(), Long::sum);
          i += Character.charCount(cp);
        }
      }
      charCounts.entrySet().stream()
          .filter(e -> e.getValue() >= minCharFrequency)
          .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
          .forEach(e -> {
            intern(e.getKey());
            intern("##" + e.getKey());
          });
    }

    private int intern(String token) {
      Integer id = ids.get(token);
      if (id != null) {
        return id;
      }
      vocab.add(token);
      ids.put(token, vocab.size() - 1);
      return vocab.size() - 1;
    }

    /** A word as its characters' ids, or null when a character is not in the alphabet. */
    private int[] split(String word) {
      int[] symbols = new int[word.codePointCount(0, word.length())];
      int k = 0;
      for (int i = 0; i < word.length(); ) {
        int cp = word.codePointAt(i);
        String c = new String(Character.toChars(cp));
        Integer id = ids.get(k == 0 ? c : "##" + c);
        if (id == null) {
          return null;
        }
        symbols[k++] = id;
        i += Character.charCount(cp);
      }
      return symbols;
    }

    private void countPairs(int w, int sign) {
      int[] s = words.get(w);
      long c = (long) counts.get(w) * sign;
      for (int i = 0; i + 1 < s.length; i++) {
        long pair = ((long) s[i] << 32) | s[i + 1];
        long updated = pairCounts.merge(pair, c, Long::sum);
        if (sign > 0) {
          pairWords.computeIfAbsent(pair, p -> new HashSet<>()).add(w);
        }
        if (updated > 0) {
          queue.add(new long[] {pair, updated});
        }
      }
    }

    List<String> run() {
      while (vocab.size() < vocabSize && !queue.isEmpty()) {
        long[] top = queue.poll();
        long current = pairCounts.getOrDefault(top[0], 0L);
        if (current != top[1] || current <= 0) {
          continue;
        }
        merge(top[0]);
      }
      return List.copyOf(vocab);
    }

    private void merge(long pair) {
      int a = (int) (pair >>> 32);
      int b = (int) pair;
      String right = vocab.get(b);
      int merged = intern(vocab.get(a) + (right.startsWith("##") ? right.substring(2) : right));
      Set<Integer> affected = pairWords.remove(pair);
      pairCounts.remove(pair);
      for (int w : affected) {
        countPairs(w, -1);
        words.set(w, replace(words.get(w), a, b, merged));
        countPairs(w, +1);
      }
      pairCounts.remove(pair);
    }

    private int[] replace(int[] s, int a, int b, int merged) {
      int[] out = new int[s.length];
      int n = 0;
      for (int i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
          out[n++] = merged;
          i++;
        } else {
          out[n++] = s[i];
        }
      }
      return java.util.Arrays.copyOf(out, n);
    }
  }
}
