package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.SimilarityMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pair classification: the average precision of each similarity (cosine, dot, Euclidean,
 * Manhattan) as a score for the pair's label, and their maximum (MTEB's {@code max_ap}).
 */
public final class PairClassificationEvaluator implements Evaluator<PairClassificationTask> {
  @Override
  public TaskType type() {
    return TaskType.PAIR_CLASSIFICATION;
  }

  @Override
  public Map<String, Double> evaluate(PairClassificationTask pc, PromptTemplate p,
      EvaluationContext c) {
    Map<String, Double> out = new LinkedHashMap<>();
    float[][] a = c.embed(pc.first(), p);
    float[][] b = c.embed(pc.second(), p);
    for (int d : c.dims()) {
      SimilarityMetrics.maxAveragePrecision(EvaluationContext.truncate(a, d),
          EvaluationContext.truncate(b, d), pc.labels())
          .forEach((f, v) -> out.put(ReportKeys.of(pc.name(), f + "_ap", d), v));
    }
    return out;
  }
}
