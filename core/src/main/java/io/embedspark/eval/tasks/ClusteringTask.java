package io.embedspark.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Clustering (MTEB's {@code AbsTaskClustering}): each row is one set,
 * {@code {"sentences": [...], "labels": [...]}}; every set is clustered by k-means with k = its
 * number of distinct labels and scored by V-measure; the report gives the mean over sets.
 */
public record ClusteringTask(String name, List<Set> sets) implements EvalTask {

  /** One set of texts and their gold labels. */
  public record Set(List<String> sentences, List<String> labels) {}

  public static ClusteringTask of(String name, String source, List<JsonNode> rows,
      String sentencesField, String labelsField) {
    TaskRows.nonEmpty(source, rows);
    List<Set> sets = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      List<String> sentences = TaskRows.texts(rows.get(i), sentencesField, source, i);
      List<String> labels = TaskRows.texts(rows.get(i), labelsField, source, i);
      if (sentences.size() != labels.size() || sentences.isEmpty()) {
        throw new InvalidInputException(source + " row " + (i + 1) + ": " + sentences.size()
            + " sentences and " + labels.size() + " labels; they must be as many, and not 0");
      }
      sets.add(new Set(sentences, labels));
    }
    return new ClusteringTask(name, sets);
  }

  @Override
  public TaskType type() {
    return TaskType.CLUSTERING;
  }

  @Override
  public java.util.Map<String, Double> evaluate(io.embedspark.data.PromptTemplate prompt,
      EvaluationContext context) {
    return new ClusteringEvaluator().evaluate(this, prompt, context);
  }
}
