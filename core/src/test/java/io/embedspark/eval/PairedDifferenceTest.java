package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paired t-test against SciPy's {@code ttest_rel} ({@code tools/golden/paired_ttest.py}):
 * three pairs of per-query values, 12 to 300 queries, each with queries only one model scored.
 */
class PairedDifferenceTest {
  private static Map<String, Double> values(JsonNode m) {
    Map<String, Double> out = new HashMap<>();
    m.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    return out;
  }

  @Test
  void meanIntervalAndPValueMatchScipyOnTheQueriesBothScored() {
    for (JsonNode c : GoldenJson.load("paired_ttest").get("cases")) {
      PairedDifference p = PairedDifference.of(values(c.get("a")), values(c.get("b")))
          .orElseThrow();
      assertEquals(c.get("queries").asInt(), p.queries());
      assertEquals(c.get("mean").asDouble(), p.mean(), 1e-12);
      assertEquals(c.get("low").asDouble(), p.low(), 1e-9);
      assertEquals(c.get("high").asDouble(), p.high(), 1e-9);
      assertEquals(c.get("p").asDouble(), p.pValue(), 1e-9);
    }
  }

  @Test
  void aModelAgainstItselfDiffersByNothingAndTooFewQueriesGiveNoTest() {
    Map<String, Double> a = values(GoldenJson.load("paired_ttest").get("cases").get(0).get("a"));
    PairedDifference same = PairedDifference.of(a, a).orElseThrow();
    assertEquals(0.0, same.mean());
    assertEquals(1.0, same.pValue());
    assertTrue(PairedDifference.of(Map.of("q", 1.0), Map.of("q", 0.0)).isEmpty());
    assertTrue(PairedDifference.of(a, Map.of("other", 1.0)).isEmpty(), "no query in common");
  }
}
