package io.embedspark.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Pair classification (MTEB's {@code AbsTaskPairClassification}): rows
 * {@code {"sentence1": ..., "sentence2": ..., "label": 0|1}}; the metric is the average precision
 * of ranking the pairs by each similarity function (cosine, dot, euclidean, manhattan), and the
 * best of them ({@code max_ap}, MTEB's main score).
 */
public record PairClassificationTask(String name, List<String> first, List<String> second,
    boolean[] labels) implements EvalTask {

  public static PairClassificationTask of(String name, String source, List<JsonNode> rows,
      String firstField, String secondField, String labelField) {
    TaskRows.nonEmpty(source, rows);
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    boolean[] labels = new boolean[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      a.add(TaskRows.text(rows.get(i), firstField, source, i));
      b.add(TaskRows.text(rows.get(i), secondField, source, i));
      double label = TaskRows.number(rows.get(i), labelField, source, i);
      if (label != 0 && label != 1) {
        throw new InvalidInputException(source + " row " + (i + 1) + ": field '" + labelField
            + "' is " + label + "; it must be 0 or 1");
      }
      labels[i] = label == 1;
    }
    return new PairClassificationTask(name, a, b, labels);
  }

  @Override
  public TaskType type() {
    return TaskType.PAIR_CLASSIFICATION;
  }

  @Override
  public java.util.Map<String, Double> evaluate(io.embedspark.data.PromptTemplate prompt,
      EvaluationContext context) {
    return new PairClassificationEvaluator().evaluate(this, prompt, context);
  }
}
