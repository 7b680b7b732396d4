package io.embedspark.data;

import java.util.List;

/**
 * One training row: a query, its positive and zero or more hard negatives, from a task whose
 * prompts are applied before tokenizing.
 *
 * @param id row id, reported when a step fails
 * @param task the dataset or task name that selects the prompts
 */
public record TrainingExample(String id, String task, String query, String positive,
    List<String> negatives) {

  public TrainingExample {
    negatives = List.copyOf(negatives);
  }
}
