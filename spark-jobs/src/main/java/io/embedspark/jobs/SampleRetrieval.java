package io.embedspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.data.JsonlTexts;
import io.embedspark.eval.NearestNeighbours;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Nearest-neighbour search over a small BEIR task held in memory, for the demo's printout. */
final class SampleRetrieval {
  private final Map<String, String> docTexts = new HashMap<>();
  private final Map<String, String> queryTexts = new HashMap<>();
  private final Map<String, Set<String>> relevant = new TreeMap<>();
  private final List<String> docIds;
  private final float[][] docVectors;
  private final Map<String, float[]> queries;

  SampleRetrieval(Path beirDir, Map<String, float[]> docs, Map<String, float[]> queries) {
    for (JsonNode d : JsonlTexts.rows(beirDir.resolve("corpus.jsonl"))) {
      docTexts.put(d.get("_id").asText(), d.get("text").asText());
    }
    for (JsonNode q : JsonlTexts.rows(beirDir.resolve("queries.jsonl"))) {
      queryTexts.put(q.get("_id").asText(), q.get("text").asText());
    }
    readQrels(beirDir.resolve("qrels/test.tsv"));
    this.docIds = new ArrayList<>(new TreeMap<>(docs).keySet());
    this.docVectors = docIds.stream().map(docs::get).toArray(float[][]::new);
    this.queries = queries;
  }

  private void readQrels(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split("\t");
        if (f.length >= 3 && Integer.parseInt(f[2]) > 0) {
          relevant.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Prints MTEB's retrieval metrics at 10 for the model (exact search over the corpus) next to
   * BM25 on the same task; returns the model's metrics.
   */
  Map<String, Double> printAgainstBm25(Path beirDir) {
    io.embedspark.eval.BeirTask task = io.embedspark.eval.BeirTask.read(beirDir, "test");
    Map<String, List<io.embedspark.eval.RetrievalMetrics.Hit>> runs = new HashMap<>();
    for (String q : task.queries().keySet()) {
      float[] v = queries.get(q);
      int[] top = NearestNeighbours.topK(v, docVectors, 100);
      List<io.embedspark.eval.RetrievalMetrics.Hit> hits = new ArrayList<>();
      for (int i : top) {
        double score = 0;
        for (int j = 0; j < v.length; j++) {
          score += v[j] * (double) docVectors[i][j];
        }
        hits.add(new io.embedspark.eval.RetrievalMetrics.Hit(docIds.get(i), score));
      }
      runs.put(q, hits);
    }
    List<Integer> ks = List.of(10);
    Map<String, Double> model = io.embedspark.eval.RetrievalMetrics.evaluate(runs, task.qrels(),
        ks);
    Map<String, Double> bm25 = io.embedspark.eval.RetrievalMetrics.evaluate(
        io.embedspark.eval.Bm25Retriever.search(task, 100), task.qrels(), ks);
    DemoJob.log("%-14s %8s %8s", "retrieval", "model", "BM25");
    for (String metric : model.keySet()) {
      DemoJob.log("%-14s %8.3f %8.3f", metric, model.get(metric), bm25.get(metric));
    }
    return model;
  }

  /** Prints the top hits of the first {@code show} queries and returns mean recall@k. */
  double printNeighboursAndRecall(int show, int k) {
    double recallSum = 0;
    int shown = 0;
    for (Map.Entry<String, Set<String>> e : relevant.entrySet()) {
      int[] top = NearestNeighbours.topK(queries.get(e.getKey()), docVectors, k);
      int hits = 0;
      for (int i : top) {
        hits += e.getValue().contains(docIds.get(i)) ? 1 : 0;
      }
      recallSum += (double) hits / e.getValue().size();
      if (shown++ < show) {
        print(e.getKey(), top, e.getValue());
      }
    }
    double recall = recallSum / relevant.size();
    DemoJob.log("retrieval on the sample: %d queries, %d documents, recall@%d = %.3f",
        relevant.size(), docIds.size(), k, recall);
    return recall;
  }

  private void print(String queryId, int[] top, Set<String> gold) {
    DemoJob.log("query: %s", queryTexts.get(queryId));
    for (int i = 0; i < Math.min(3, top.length); i++) {
      String id = docIds.get(top[i]);
      String text = docTexts.get(id).replace('\n', ' ');
      DemoJob.log("  %d. %s %s", i + 1, gold.contains(id) ? "[relevant]" : "          ",
          text.length() > 90 ? text.substring(0, 90) + "..." : text);
    }
  }
}
