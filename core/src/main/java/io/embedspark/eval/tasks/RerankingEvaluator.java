package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.RerankingMetrics;
import io.embedspark.model.Matryoshka;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reranking: each query's candidates ranked by cosine; MAP and MRR (MTEB). Queries get the task's
 * prompt, candidates the document prompt.
 */
public final class RerankingEvaluator implements Evaluator<RerankingTask> {
  @Override
  public TaskType type() {
    return TaskType.RERANKING;
  }

  @Override
  public Map<String, Double> evaluate(RerankingTask r, PromptTemplate queryPrompt,
      EvaluationContext c) {
    Map<String, Double> out = new LinkedHashMap<>();
    List<String> queries = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    for (RerankingTask.Item item : r.items()) {
      queries.add(item.query());
      candidates.addAll(item.positives());
      candidates.addAll(item.negatives());
    }
    float[][] q = c.embed(queries, queryPrompt);
    float[][] docs = c.embed(candidates, c.documentPrompt());
    for (int d : c.dims()) {
      List<RerankingMetrics.Query> scored = new ArrayList<>();
      int next = 0;
      for (int i = 0; i < r.items().size(); i++) {
        RerankingTask.Item item = r.items().get(i);
        int n = item.positives().size() + item.negatives().size();
        float[][] cand = new float[n][];
        boolean[] relevant = new boolean[n];
        for (int j = 0; j < n; j++) {
          cand[j] = Matryoshka.truncate(docs[next++], d);
          relevant[j] = j < item.positives().size();
        }
        scored.add(new RerankingMetrics.Query(Matryoshka.truncate(q[i], d), cand, relevant));
      }
      RerankingMetrics.evaluate(scored).forEach((m, v) -> out.put(ReportKeys.of(r.name(), m, d),
          v));
    }
    return out;
  }
}
