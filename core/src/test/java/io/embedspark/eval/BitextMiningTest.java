package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BitextMiningTest {

  /** Golden values from scikit-learn: tools/golden/bitext_f1.py. */
  @Test
  void f1AndAccuracyMatchScikitLearnWeightedAverage() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/golden/bitext_f1.json")) {
      for (JsonNode c : new ObjectMapper().readTree(in)) {
        int[] predicted = new int[c.get("predicted").size()];
        for (int i = 0; i < predicted.length; i++) {
          predicted[i] = c.get("predicted").get(i).asInt();
        }
        assertEquals(c.get("f1").asDouble(), BitextMining.f1(predicted), 1e-12);
        assertEquals(c.get("accuracy").asDouble(), BitextMining.accuracy(predicted), 1e-12);
      }
    }
  }

  @Test
  void matchPicksTheNearestTargetByCosine() {
    float[][] source = {{1, 0}, {0, 1}, {0.6f, 0.8f}};
    float[][] target = {{0, 1}, {1, 0}, {0.8f, 0.6f}};
    assertArrayEquals(new int[] {1, 0, 2}, BitextMining.match(source, target));
    assertEquals(1.0 / 3, BitextMining.accuracy(new int[] {1, 0, 2}), 1e-12);
  }

  @Test
  void perfectMatchingScoresOneAndConstantPredictionScoresLow() {
    assertEquals(1.0, BitextMining.f1(new int[] {0, 1, 2, 3}), 1e-12);
    // Everything predicted as 0: class 0 has precision 1/4, recall 1 -> F1 0.4, others 0.
    assertEquals(0.4 / 4, BitextMining.f1(new int[] {0, 0, 0, 0}), 1e-12);
  }

  @Test
  void topKReturnsBestFirstWithDeterministicTies() {
    float[][] corpus = {{0, 1}, {1, 0}, {1, 0}, {0.7f, 0.7f}};
    assertArrayEquals(new int[] {1, 2, 3}, NearestNeighbours.topK(new float[] {1, 0}, corpus, 3));
  }
}
