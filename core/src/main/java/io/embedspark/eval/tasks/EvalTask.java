package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import java.util.Map;

/**
 * A task of the evaluation suite: its name (the first part of every report key), its type and
 * how it is scored.
 */
public sealed interface EvalTask permits ClassificationTask, ClusteringTask, StsTask,
    PairClassificationTask, RerankingTask, BitextTask {
  String name();

  TaskType type();

  /** MTEB's main score of this task's type, as named in the report keys. */
  default String mainMetric() {
    return type().primaryMetric();
  }

  /** Every metric of this task at every dim of {@code context}, by its type's evaluator. */
  Map<String, Double> evaluate(PromptTemplate prompt, EvaluationContext context);
}
