package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.ClassificationMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Classification: logistic regression on the train embeddings, scored on the test embeddings,
 * over MTEB's repeated samples per label; accuracy and macro F1.
 */
public final class ClassificationEvaluator implements Evaluator<ClassificationTask> {
  @Override
  public TaskType type() {
    return TaskType.CLASSIFICATION;
  }

  @Override
  public Map<String, Double> evaluate(ClassificationTask t, PromptTemplate p,
      EvaluationContext c) {
    Map<String, Double> out = new LinkedHashMap<>();
    Map<String, Integer> ids = new LinkedHashMap<>();
    int[] trainY = t.trainLabels().stream().mapToInt(l -> ids.computeIfAbsent(l,
        k -> ids.size())).toArray();
    int[] testY = t.testLabels().stream().mapToInt(ids::get).toArray();
    float[][] train = c.embed(t.trainTexts(), p);
    float[][] test = c.embed(t.testTexts(), p);
    for (int d : c.dims()) {
      Map<String, Double> m = ClassificationMetrics.evaluate(
          doubles(EvaluationContext.truncate(train, d)), trainY,
          doubles(EvaluationContext.truncate(test, d)), testY, ids.size(), t.experiments(),
          t.samplesPerLabel(), c.seed());
      out.put(ReportKeys.of(t.name(), "accuracy", d), m.get("accuracy"));
      out.put(ReportKeys.of(t.name(), "f1", d), m.get("f1"));
    }
    return out;
  }

  private static double[][] doubles(float[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = x[i][j];
      }
    }
    return out;
  }
}
