package io.embedspark.eval.tasks;

/**
 * A task of the evaluation suite: its name (the first part of every report key) and the metric
 * MTEB reports as its main score.
 */
public sealed interface EvalTask permits ClassificationTask, ClusteringTask, StsTask,
    PairClassificationTask, RerankingTask, BitextTask {
  String name();

  /** MTEB's main score of this task type, as named in the report keys. */
  String mainMetric();
}
