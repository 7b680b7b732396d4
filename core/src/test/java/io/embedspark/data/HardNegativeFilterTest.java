package io.embedspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embedspark.eval.Hit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The false-negative filters of hard-negative mining, on a hand-made ranking. */
class HardNegativeFilterTest {
  /** The positive p ranks second; scores fall by 0.05 per rank. */
  private static final List<Hit> RANKED = List.of(new Hit("a", 0.95), new Hit("p", 0.90),
      new Hit("b", 0.85), new Hit("c", 0.80), new Hit("d", 0.75), new Hit("e", 0.70),
      new Hit("f", 0.65), new Hit("g", 0.60));

  private static List<String> ids(HardNegativeFilter.Outcome o) {
    return o.chosen().stream().map(c -> c.hit().id()).toList();
  }

  @Test
  void thePositiveIsSkippedAndRanksCountTheOthers() {
    HardNegativeFilter.Outcome o = HardNegativeFilter.choose(RANKED, "p", 0.90,
        new HardNegativeFilter.Settings(1, 10, 1.0, 0.0, 3, false, 1L), 0);
    assertEquals(List.of("b", "c", "d"), ids(o),
        "a scores above the positive (margin 0); b is rank 2, not 3");
    assertEquals(List.of(2, 3, 4), o.chosen().stream().map(HardNegativeFilter.Candidate::rank)
        .toList());
    assertEquals(7, o.candidates());
    assertEquals(1, o.removedMargin());
    assertEquals(6, o.kept());
  }

  @Test
  void everyCandidateInTheWindowIsRemovedByOneFilterOrKept() {
    HardNegativeFilter.Outcome o = HardNegativeFilter.choose(RANKED, "p", 0.90,
        new HardNegativeFilter.Settings(2, 6, 0.84, 0.1, 10, false, 1L), 0);
    // window: b(2) c(3) d(4) e(5) f(6); b above max 0.84; c 0.80 above 0.90 - 0.1 - no: 0.80 is
    // not above 0.80; so only b is removed, by max_score
    assertEquals(5, o.candidates());
    assertEquals(1, o.removedMaxScore());
    assertEquals(0, o.removedMargin());
    assertEquals(List.of("c", "d", "e", "f"), ids(o));
    HardNegativeFilter.Outcome wider = HardNegativeFilter.choose(RANKED, "p", 0.90,
        new HardNegativeFilter.Settings(2, 6, 0.84, 0.12, 10, false, 1L), 0);
    assertEquals(1, wider.removedMargin(), "a margin of 0.12 also removes c (0.80 > 0.78)");
    assertEquals(wider.candidates(), wider.removedMaxScore() + wider.removedMargin()
        + wider.kept());
  }

  @Test
  void randomSamplingIsSeededPerPair() {
    HardNegativeFilter.Settings s = new HardNegativeFilter.Settings(1, 10, 1.0, 0.0, 3, true, 7L);
    List<String> first = ids(HardNegativeFilter.choose(RANKED, "p", 0.90, s, 4));
    assertEquals(first, ids(HardNegativeFilter.choose(RANKED, "p", 0.90, s, 4)),
        "the same pair draws the same sample");
    boolean differs = false;
    for (int pair = 0; pair < 10 && !differs; pair++) {
      differs = !ids(HardNegativeFilter.choose(RANKED, "p", 0.90, s, pair)).equals(first);
    }
    assertEquals(true, differs, "other pairs draw other samples");
    boolean notBest = false;
    for (int pair = 0; pair < 10 && !notBest; pair++) {
      notBest = !ids(HardNegativeFilter.choose(RANKED, "p", 0.90, s, pair))
          .equals(List.of("b", "c", "d"));
    }
    assertEquals(true, notBest, "negative control: a sample is not simply the best three");
  }
}
