package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import org.junit.jupiter.api.Test;

/** k-means against scikit-learn's KMeans ({@code tools/golden/kmeans.py}) on Gaussian blobs. */
class KMeansTest {
  @Test
  void reachesScikitLearnsInertiaAndRecoversTheBlobs() {
    JsonNode g = GoldenJson.load("kmeans");
    float[][] x = GoldenJson.floats(g.get("x"));
    int[] labels = GoldenJson.ints(g.get("labels"));
    KMeans.Result r = new KMeans(g.get("k").asInt(), 10, 300, 1L).fit(x);
    assertEquals(g.get("inertia").asDouble(), r.inertia(), 1e-6 * g.get("inertia").asDouble());
    assertEquals(g.get("v_measure").asDouble(), ClusteringMetrics.vMeasure(labels,
        r.assignment()), 1e-12);
    KMeans.Result again = new KMeans(g.get("k").asInt(), 10, 300, 1L).fit(x);
    assertArrayEquals(r.assignment(), again.assignment(), "seeded");
    KMeans.Result one = new KMeans(1, 1, 300, 1L).fit(x);
    assertTrue(one.inertia() > 5 * r.inertia(), "negative control: one cluster fits worse");
    assertThrows(InvalidInputException.class, () -> new KMeans(3, 1, 10, 1L).fit(new float[2][]));
  }
}
