package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Retrieval metrics against scikit-learn's ndcg_score and average_precision_score and trec_eval's
 * definitions ({@code tools/golden/retrieval_metrics.py}): 12 queries, graded relevance, a
 * complete ranking of 40 documents, cutoffs 1 to 40, one query without relevant documents.
 */
class RetrievalMetricsTest {
  private static JsonNode golden() {
    return GoldenJson.load("retrieval_metrics");
  }

  @Test
  void everyMetricAtEveryCutoffMatchesTheReference() {
    JsonNode g = golden();
    List<String> docs = new ArrayList<>();
    g.get("docs").forEach(d -> docs.add(d.asText()));
    Map<String, List<Hit>> runs = new HashMap<>();
    Map<String, Map<String, Integer>> qrels = new HashMap<>();
    g.get("scores").fields().forEachRemaining(q -> {
      List<Hit> hits = new ArrayList<>();
      for (int i = 0; i < docs.size(); i++) {
        hits.add(new Hit(docs.get(i), q.getValue().get(i).asDouble()));
      }
      runs.put(q.getKey(), hits);
      Map<String, Integer> rel = new HashMap<>();
      g.get("qrels").get(q.getKey()).fields().forEachRemaining(r ->
          rel.put(r.getKey(), r.getValue().asInt()));
      qrels.put(q.getKey(), rel);
    });
    List<Integer> ks = new ArrayList<>();
    g.get("ks").forEach(k -> ks.add(k.asInt()));
    Map<String, Double> got = RetrievalMetrics.evaluate(runs, qrels, ks);
    g.get("expected").fields().forEachRemaining(e ->
        assertEquals(e.getValue().asDouble(), got.get(e.getKey()), 1e-12, e.getKey()));
    assertEquals(g.get("expected").size(), got.size());

    Map<String, Map<String, Double>> perQuery = RetrievalMetrics.perQuery(runs, qrels, ks);
    assertEquals(qrels.size() - 1, perQuery.size(), "the query without relevant documents");
    g.get("expected").fields().forEachRemaining(e -> assertEquals(e.getValue().asDouble(),
        perQuery.values().stream().mapToDouble(q -> q.get(e.getKey())).average().orElseThrow(),
        1e-12, "mean of the per-query " + e.getKey()));
  }

  @Test
  void tiesAreBrokenByDocumentIdDescendingAsTrecEvalDoes() {
    Map<String, List<Hit>> runs = Map.of("q", List.of(
        new Hit("a", 0.5), new Hit("b", 0.5)));
    Map<String, Double> m = RetrievalMetrics.evaluate(runs, Map.of("q", Map.of("a", 1)),
        List.of(1));
    assertEquals(0.0, m.get("precision@1"), "b ranks first");
    Map<String, Double> flipped = RetrievalMetrics.evaluate(runs, Map.of("q", Map.of("b", 1)),
        List.of(1));
    assertEquals(1.0, flipped.get("precision@1"));
  }

  @Test
  void unretrievedRelevantDocumentsCountAgainstRecallAndNdcg() {
    Map<String, Double> m = RetrievalMetrics.evaluate(
        Map.of("q", List.of(new Hit("a", 1.0))),
        Map.of("q", Map.of("a", 1, "z", 2)), List.of(10));
    assertEquals(0.5, m.get("recall@10"), 1e-15);
    assertEquals(1.0 / (2 + 1 / (Math.log(3) / Math.log(2))), m.get("ndcg@10"), 1e-15);
    assertEquals(0.5, m.get("map@10"), 1e-15);
    assertEquals(1.0, m.get("mrr@10"));
    assertThrows(InvalidInputException.class, () -> RetrievalMetrics.evaluate(Map.of(), Map.of(),
        List.of(0)));
  }
}
