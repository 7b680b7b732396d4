package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import java.util.Map;

/**
 * Scores one task type: every metric of a task at every dim of the context, keyed as {@link
 * ReportKeys} says. One implementation per task type; each task runs its own ({@link
 * EvalTask#evaluate}).
 *
 * @param <T> the task type it scores
 */
public interface Evaluator<T extends EvalTask> {
  /** The type it scores, whose main metric the report leads with. */
  TaskType type();

  /** MTEB's main score of the type. */
  default String primaryMetric() {
    return type().primaryMetric();
  }

  /** Every metric of {@code task} at every dim, its texts embedded with {@code prompt}. */
  Map<String, Double> evaluate(T task, PromptTemplate prompt, EvaluationContext context);
}
