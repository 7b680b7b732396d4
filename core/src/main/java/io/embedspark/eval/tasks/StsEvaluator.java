package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.SimilarityMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/** STS: the Spearman correlation of cosine similarities with the gold scores (MTEB). */
public final class StsEvaluator implements Evaluator<StsTask> {
  @Override
  public TaskType type() {
    return TaskType.STS;
  }

  @Override
  public Map<String, Double> evaluate(StsTask s, PromptTemplate p, EvaluationContext c) {
    Map<String, Double> out = new LinkedHashMap<>();
    float[][] a = c.embed(s.first(), p);
    float[][] b = c.embed(s.second(), p);
    for (int d : c.dims()) {
      out.put(ReportKeys.of(s.name(), "cosine_spearman", d), SimilarityMetrics.stsSpearman(
          EvaluationContext.truncate(a, d), EvaluationContext.truncate(b, d), s.scores()));
    }
    return out;
  }
}
