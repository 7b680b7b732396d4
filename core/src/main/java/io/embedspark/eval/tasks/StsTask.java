package io.embedspark.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Semantic textual similarity (MTEB's {@code AbsTaskSTS}): rows
 * {@code {"sentence1": ..., "sentence2": ..., "score": ...}} with a graded gold similarity; the
 * metric is the Spearman correlation of the embeddings' cosine with the gold scores.
 */
public record StsTask(String name, List<String> first, List<String> second, double[] scores)
    implements EvalTask {

  public static StsTask of(String name, String source, List<JsonNode> rows, String firstField,
      String secondField, String scoreField) {
    TaskRows.nonEmpty(source, rows);
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    double[] scores = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      a.add(TaskRows.text(rows.get(i), firstField, source, i));
      b.add(TaskRows.text(rows.get(i), secondField, source, i));
      scores[i] = TaskRows.number(rows.get(i), scoreField, source, i);
    }
    return new StsTask(name, a, b, scores);
  }

  @Override
  public TaskType type() {
    return TaskType.STS;
  }

  @Override
  public java.util.Map<String, Double> evaluate(io.embedspark.data.PromptTemplate prompt,
      EvaluationContext context) {
    return new StsEvaluator().evaluate(this, prompt, context);
  }
}
