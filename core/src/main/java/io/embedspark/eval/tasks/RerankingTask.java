package io.embedspark.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reranking (MTEB's {@code AbsTaskReranking}): rows
 * {@code {"query": ..., "positive": [...], "negative": [...]}}; each query's candidates are ranked
 * by cosine and scored by average precision (MAP, MTEB's main score) and MRR@10.
 */
public record RerankingTask(String name, List<Item> items) implements EvalTask {

  /** A query with its relevant and non-relevant candidates. */
  public record Item(String query, List<String> positives, List<String> negatives) {}

  public static RerankingTask of(String name, String source, List<JsonNode> rows,
      String queryField, String positiveField, String negativeField) {
    TaskRows.nonEmpty(source, rows);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Item item = new Item(TaskRows.text(rows.get(i), queryField, source, i),
          TaskRows.texts(rows.get(i), positiveField, source, i),
          TaskRows.texts(rows.get(i), negativeField, source, i));
      if (item.positives().isEmpty()) {
        throw new InvalidInputException(source + " row " + (i + 1) + ": field '"
            + positiveField + "' is empty; every query needs a relevant candidate");
      }
      items.add(item);
    }
    return new RerankingTask(name, items);
  }

  @Override
  public TaskType type() {
    return TaskType.RERANKING;
  }

  @Override
  public java.util.Map<String, Double> evaluate(io.embedspark.data.PromptTemplate prompt,
      EvaluationContext context) {
    return new RerankingEvaluator().evaluate(this, prompt, context);
  }
}
