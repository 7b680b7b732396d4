package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Logistic regression and the classification metrics against scikit-learn
 * ({@code tools/golden/logistic_regression.py}): the same predictions as its default
 * LogisticRegression with MTEB's 100 iterations, the same optimum (coefficients of a tightly
 * solved reference), the same accuracy and macro F1, for four classes and for two.
 */
class ClassificationMetricsTest {
  private static JsonNode g;

  @BeforeAll
  static void load() {
    g = GoldenJson.load("logistic_regression");
  }

  private static double[][] matrix(JsonNode m) {
    return GoldenJson.doubles(m);
  }

  private static int[] ints(JsonNode a) {
    return GoldenJson.ints(a);
  }

  private static void check(String name) {
    JsonNode c = g.get(name);
    int classes = c.get("classes").asInt();
    LogisticRegression lr = LogisticRegression.mteb().fit(matrix(c.get("x_train")),
        ints(c.get("y_train")), classes);
    int[] predicted = lr.predict(matrix(c.get("x_test")));
    assertArrayEquals(ints(c.get("predicted")), predicted, name + ": predictions");
    double[][] coef = matrix(c.get("coef"));
    double[][] w = new LogisticRegression(1.0, 1000, 1e-8).fit(matrix(c.get("x_train")),
        ints(c.get("y_train")), classes).weights();
    double worst = 0;
    for (int r = 0; r < coef.length; r++) {
      // scikit-learn keeps one row for two classes: class 1 against class 0.
      double[] ours = classes == 2 ? w[1] : w[r];
      for (int j = 0; j < ours.length; j++) {
        worst = Math.max(worst, Math.abs(ours[j] - coef[r][j]));
      }
    }
    assertTrue(worst < 1e-4, name + ": coefficients differ by " + worst);
    int[] gold = ints(c.get("y_test"));
    assertEquals(c.get("accuracy").asDouble(), ClassificationMetrics.accuracy(gold, predicted),
        1e-12);
    assertEquals(c.get("f1_macro").asDouble(), ClassificationMetrics.macroF1(gold, predicted,
        classes), 1e-12);
  }

  @Test
  void fourClassesMatchScikitLearn() {
    check("four");
  }

  @Test
  void twoClassesMatchScikitLearnsSingleWeightVector() {
    check("two");
  }

  @Test
  void theProtocolUndersamplesPerLabelAndAveragesExperiments() {
    JsonNode c = g.get("four");
    Map<String, Double> m = ClassificationMetrics.evaluate(matrix(c.get("x_train")),
        ints(c.get("y_train")), matrix(c.get("x_test")), ints(c.get("y_test")), 4, 5, 4, 1L);
    assertTrue(m.get("accuracy") > 0.25 && m.get("accuracy") <= 1, m.toString());
    Map<String, Double> again = ClassificationMetrics.evaluate(matrix(c.get("x_train")),
        ints(c.get("y_train")), matrix(c.get("x_test")), ints(c.get("y_test")), 4, 5, 4, 1L);
    assertEquals(m, again, "seeded");
    Map<String, Double> all = ClassificationMetrics.evaluate(matrix(c.get("x_train")),
        ints(c.get("y_train")), matrix(c.get("x_test")), ints(c.get("y_test")), 4, 3, 8, 9L);
    assertEquals(c.get("accuracy").asDouble(), all.get("accuracy"), 1e-12,
        "with every train row in every experiment, each experiment is scikit-learn's fit");
  }
}
