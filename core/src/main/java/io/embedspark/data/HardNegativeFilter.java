package io.embedspark.data;

import io.embedspark.eval.Hit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Chooses a pair's hard negatives from its nearest passages, dropping likely false negatives as
 * sentence-transformers' {@code mine_hard_negatives} does (Reimers and Gurevych 2019, arXiv
 * 1908.10084; the margin filter of Moreira et al. 2024, arXiv 2407.15831, "NV-Retriever"): the
 * positive itself is skipped, candidates outside the rank window are ignored, and a candidate is
 * removed when it scores above {@code maxScore} or above the positive's score minus {@code
 * margin}. Of the survivors the best, or a seeded random sample, are kept.
 */
public final class HardNegativeFilter {
  /**
   * @param rankFrom first rank considered (1 = the nearest passage other than the positive)
   * @param rankTo last rank considered
   * @param maxScore candidates scoring above this are removed
   * @param margin candidates scoring above the positive's score minus this are removed
   * @param negatives how many to keep at most
   * @param random sample the survivors at random (seeded per pair) instead of taking the best
   * @param seed the seed of the random samples
   */
  public record Settings(int rankFrom, int rankTo, double maxScore, double margin, int negatives,
      boolean random, long seed) {}

  /** A surviving candidate and its rank among the passages other than the positive. */
  public record Candidate(Hit hit, int rank) {}

  /**
   * What the filter did for one pair: every candidate in the rank window is counted once, as
   * removed by one filter or kept.
   */
  public record Outcome(List<Candidate> chosen, int candidates, int removedMaxScore,
      int removedMargin, int kept) {}

  private HardNegativeFilter() {}

  /**
   * @param ranked the nearest passages of the pair's query, best first
   * @param positiveId the pair's positive, skipped where it appears
   * @param positiveScore the query's score with its positive
   * @param pair the pair's index, which seeds its random sample
   */
  public static Outcome choose(List<Hit> ranked, String positiveId, double positiveScore,
      Settings s, long pair) {
    List<Candidate> survivors = new ArrayList<>();
    int candidates = 0;
    int removedMax = 0;
    int removedMargin = 0;
    int rank = 0;
    for (Hit h : ranked) {
      if (h.id().equals(positiveId)) {
        continue;
      }
      rank++;
      if (rank < s.rankFrom() || rank > s.rankTo()) {
        continue;
      }
      candidates++;
      if (h.score() > s.maxScore()) {
        removedMax++;
      } else if (h.score() > positiveScore - s.margin()) {
        removedMargin++;
      } else {
        survivors.add(new Candidate(h, rank));
      }
    }
    int kept = survivors.size();
    if (s.random()) {
      Collections.shuffle(survivors, new Random(s.seed() * 1_000_003L + pair));
    }
    List<Candidate> chosen = List.copyOf(survivors.subList(0, Math.min(s.negatives(), kept)));
    return new Outcome(chosen, candidates, removedMax, removedMargin, kept);
  }
}
