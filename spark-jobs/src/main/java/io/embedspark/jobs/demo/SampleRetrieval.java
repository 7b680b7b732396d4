package io.embedspark.jobs.demo;

import io.embedspark.eval.BeirTask;
import io.embedspark.eval.NearestNeighbours;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The nearest documents of a few sample queries, searched in memory, for the demo's printout. */
final class SampleRetrieval {
  private final Map<String, String> docTexts = new HashMap<>();
  private final Map<String, String> queryTexts;
  private final Map<String, Set<String>> relevant = new TreeMap<>();
  private final List<String> docIds;
  private final float[][] docVectors;
  private final Map<String, float[]> queries;

  SampleRetrieval(Path beirDir, Map<String, float[]> docs, Map<String, float[]> queries) {
    BeirTask task = BeirTask.read(beirDir, "test");
    task.corpus().forEach((id, titleText) -> docTexts.put(id, titleText[1]));
    task.qrels().forEach((q, judged) -> judged.forEach((d, grade) -> {
      if (grade > 0) {
        relevant.computeIfAbsent(q, k -> new HashSet<>()).add(d);
      }
    }));
    this.docIds = new ArrayList<>(new TreeMap<>(docs).keySet());
    this.docVectors = docIds.stream().map(docs::get).toArray(float[][]::new);
    this.queries = queries;
    this.queryTexts = task.queries();
  }

  /** Prints the top three hits of the first {@code show} judged queries. */
  void printNeighbours(int show) {
    int shown = 0;
    for (Map.Entry<String, Set<String>> e : relevant.entrySet()) {
      if (shown++ >= show) {
        return;
      }
      print(e.getKey(), NearestNeighbours.topK(queries.get(e.getKey()), docVectors, 3),
          e.getValue());
    }
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
