package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * STS Spearman, pair-classification average precision and V-measure against SciPy and
 * scikit-learn ({@code tools/golden/pair_metrics.py}), with tied gold scores and tied pair scores.
 */
class PairAndClusteringMetricsTest {
  private static JsonNode g;

  @BeforeAll
  static void load() {
    g = GoldenJson.load("pair_metrics");
  }

  private static float[][] matrix(JsonNode m) {
    return GoldenJson.floats(m);
  }

  private static int[] ints(JsonNode a) {
    return GoldenJson.ints(a);
  }

  @Test
  void stsSpearmanMatchesScipyWithTiedGoldScores() {
    double[] gold = new double[g.get("gold").size()];
    for (int i = 0; i < gold.length; i++) {
      gold[i] = g.get("gold").get(i).asDouble();
    }
    assertEquals(g.get("spearman").asDouble(), SimilarityMetrics.stsSpearman(
        matrix(g.get("first")), matrix(g.get("second")), gold), 1e-12);
  }

  @Test
  void averagePrecisionOfEverySimilarityFunctionMatchesScikitLearn() {
    boolean[] labels = new boolean[g.get("labels").size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = g.get("labels").get(i).asBoolean();
    }
    Map<String, Double> ap = SimilarityMetrics.maxAveragePrecision(matrix(g.get("first")),
        matrix(g.get("second")), labels);
    g.get("average_precision").fields().forEachRemaining(e ->
        assertEquals(e.getValue().asDouble(), ap.get(e.getKey()), 1e-9, e.getKey()));
    assertThrows(InvalidInputException.class, () -> SimilarityMetrics.maxAveragePrecision(
        matrix(g.get("first")), matrix(g.get("second")), new boolean[labels.length]));
  }

  @Test
  void nonFiniteScoresAreRefusedInsteadOfLoopingForever() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> SimilarityMetrics.averagePrecision(new double[] {0.5, Double.NaN, 0.1},
            new boolean[] {true, false, true}));
    assertTrue(e.getMessage().contains("pair 1 is NaN"), e.getMessage());
  }

  @Test
  void rerankingMapAndMrrMatchScikitLearnAndMteb() {
    java.util.List<RerankingMetrics.Query> queries = new java.util.ArrayList<>();
    for (JsonNode q : g.get("rerank")) {
      boolean[] rel = new boolean[q.get("relevant").size()];
      for (int i = 0; i < rel.length; i++) {
        rel[i] = q.get("relevant").get(i).asBoolean();
      }
      queries.add(new RerankingMetrics.Query(matrix(wrap(q.get("query")))[0],
          matrix(q.get("candidates")), rel));
    }
    Map<String, Double> m = RerankingMetrics.evaluate(queries);
    assertEquals(g.get("rerank_map").asDouble(), m.get("map"), 1e-9);
    assertEquals(g.get("rerank_mrr10").asDouble(), m.get("mrr@10"), 1e-12);
  }

  private static JsonNode wrap(JsonNode vector) {
    return new ObjectMapper().createArrayNode().add(vector);
  }

  @Test
  void vMeasureMatchesScikitLearn() {
    assertEquals(g.get("v_measure").asDouble(), ClusteringMetrics.vMeasure(
        ints(g.get("cluster_labels")), ints(g.get("cluster_predicted"))), 1e-12);
    int[] labels = ints(g.get("cluster_labels"));
    int[] renamed = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      renamed[i] = 10 - labels[i];
    }
    assertEquals(1.0, ClusteringMetrics.vMeasure(labels, renamed), 1e-12,
        "a relabelling of the gold clusters is perfect");
  }
}
