package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.ClusteringMetrics;
import io.embedspark.eval.KMeans;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Clustering: k-means with k the number of gold labels, V-measure averaged over sets (MTEB). */
public final class ClusteringEvaluator implements Evaluator<ClusteringTask> {
  @Override
  public TaskType type() {
    return TaskType.CLUSTERING;
  }

  @Override
  public Map<String, Double> evaluate(ClusteringTask t, PromptTemplate p, EvaluationContext c) {
    Map<String, Double> out = new LinkedHashMap<>();
    List<float[][]> embedded = new ArrayList<>();
    for (ClusteringTask.Set set : t.sets()) {
      embedded.add(c.embed(set.sentences(), p));
    }
    for (int d : c.dims()) {
      double sum = 0;
      for (int s = 0; s < t.sets().size(); s++) {
        Map<String, Integer> ids = new HashMap<>();
        int[] gold = t.sets().get(s).labels().stream().mapToInt(l -> ids.computeIfAbsent(l,
            k -> ids.size())).toArray();
        int[] clusters = new KMeans(ids.size(), 10, 300, c.seed())
            .fit(EvaluationContext.truncate(embedded.get(s), d)).assignment();
        sum += ClusteringMetrics.vMeasure(gold, clusters);
      }
      out.put(ReportKeys.of(t.name(), "v_measure", d), sum / t.sets().size());
    }
    return out;
  }
}
