package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embedspark.error.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BordaRankingTest {
  @Test
  void pointsForModelsBeatenAndHalfForTiesSummedOverTasks() {
    // Worked by hand: retrieval a > b > c: a 2, b 1, c 0; sts b > a = c: b 2, a 0.5, c 0.5;
    // clustering c only scored with a: c > a: c 1, a 0.
    List<BordaRanking.Entry> r = BordaRanking.rank(Map.of(
        "retrieval", Map.of("a", 0.9, "b", 0.5, "c", 0.1),
        "sts", Map.of("a", 0.3, "b", 0.8, "c", 0.3),
        "clustering", Map.of("a", 0.2, "c", 0.4)));
    assertEquals(List.of(new BordaRanking.Entry("b", 3.0, 1), new BordaRanking.Entry("a", 2.5, 2),
        new BordaRanking.Entry("c", 1.5, 3)), r);
  }

  @Test
  void equalTotalsShareARank() {
    List<BordaRanking.Entry> r = BordaRanking.rank(Map.of(
        "t1", Map.of("a", 1.0, "b", 0.0), "t2", Map.of("a", 0.0, "b", 1.0)));
    assertEquals(1, r.get(0).rank());
    assertEquals(1, r.get(1).rank());
    assertThrows(InvalidInputException.class, () -> BordaRanking.rank(Map.of("t",
        Map.of("a", Double.NaN))));
  }
}
