package io.embedspark.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Classification on frozen embeddings (MTEB's {@code AbsTaskClassification}): a train and a test
 * file of {@code {"text": ..., "label": ...}} rows (field names configurable). Test rows whose
 * label never occurs in train are dropped (a classifier cannot predict them), and counted.
 *
 * @param experiments logistic regressions fitted, each on a fresh per-label sample of train
 * @param samplesPerLabel train rows drawn per label in each experiment (MTEB: 8 for most tasks)
 */
public record ClassificationTask(String name, List<String> trainTexts, List<String> trainLabels,
    List<String> testTexts, List<String> testLabels, int droppedTestRows, int experiments,
    int samplesPerLabel) implements EvalTask {

  public static ClassificationTask of(String name, String trainSource, List<JsonNode> train,
      String testSource, List<JsonNode> test, String textField, String labelField,
      int experiments, int samplesPerLabel) {
    TaskRows.nonEmpty(trainSource, train);
    TaskRows.nonEmpty(testSource, test);
    List<String> trainTexts = new ArrayList<>();
    List<String> trainLabels = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      trainTexts.add(TaskRows.text(train.get(i), textField, trainSource, i));
      trainLabels.add(TaskRows.text(train.get(i), labelField, trainSource, i));
    }
    java.util.Set<String> known = new java.util.HashSet<>(trainLabels);
    List<String> testTexts = new ArrayList<>();
    List<String> testLabels = new ArrayList<>();
    int dropped = 0;
    for (int i = 0; i < test.size(); i++) {
      String text = TaskRows.text(test.get(i), textField, testSource, i);
      String label = TaskRows.text(test.get(i), labelField, testSource, i);
      if (known.contains(label)) {
        testTexts.add(text);
        testLabels.add(label);
      } else {
        dropped++;
      }
    }
    return new ClassificationTask(name, trainTexts, trainLabels, testTexts, testLabels, dropped,
        experiments, samplesPerLabel);
  }

  @Override
  public TaskType type() {
    return TaskType.CLASSIFICATION;
  }

  @Override
  public java.util.Map<String, Double> evaluate(io.embedspark.data.PromptTemplate prompt,
      EvaluationContext context) {
    return new ClassificationEvaluator().evaluate(this, prompt, context);
  }
}
