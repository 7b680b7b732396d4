package io.embedspark.eval;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * MTEB's classification protocol (Muennighoff et al. 2023, arXiv 2210.07316,
 * {@code AbsTaskClassification}): in each of {@code experiments} runs, the train split is
 * undersampled to {@code samplesPerLabel} rows per label (in a seeded shuffled order), a
 * {@link LogisticRegression} (scikit-learn's default objective, C = 1) is fitted on the frozen
 * embeddings, and the test split is scored by accuracy and macro F1; the means over runs are
 * reported. The shuffles use this project's seeded generator, not NumPy's, so single runs differ
 * from MTEB's while the procedure and the classifier are the same.
 */
public final class ClassificationMetrics {
  private ClassificationMetrics() {}

  /** Mean accuracy and macro F1 ({@code accuracy}, {@code f1}) over the experiments. */
  public static Map<String, Double> evaluate(double[][] trainX, int[] trainY, double[][] testX,
      int[] testY, int classes, int experiments, int samplesPerLabel, long seed) {
    if (experiments <= 0 || samplesPerLabel <= 0) {
      throw new InvalidInputException("classification: experiments = " + experiments
          + " and samples per label = " + samplesPerLabel + " must be positive");
    }
    double accuracy = 0;
    double f1 = 0;
    SplittableRandom random = new SplittableRandom(seed);
    for (int e = 0; e < experiments; e++) {
      int[] order = permutation(trainX.length, random);
      int[] taken = new int[classes];
      List<double[]> x = new ArrayList<>();
      List<Integer> y = new ArrayList<>();
      for (int i : order) {
        if (taken[trainY[i]] < samplesPerLabel) {
          taken[trainY[i]]++;
          x.add(trainX[i]);
          y.add(trainY[i]);
        }
      }
      int[] predicted = LogisticRegression.mteb().fit(x.toArray(new double[0][]),
          y.stream().mapToInt(Integer::intValue).toArray(), classes).predict(testX);
      accuracy += accuracy(testY, predicted);
      f1 += macroF1(testY, predicted, classes);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("accuracy", accuracy / experiments);
    out.put("f1", f1 / experiments);
    return out;
  }

  public static double accuracy(int[] gold, int[] predicted) {
    int right = 0;
    for (int i = 0; i < gold.length; i++) {
      right += gold[i] == predicted[i] ? 1 : 0;
    }
    return (double) right / gold.length;
  }

  /**
   * scikit-learn's {@code f1_score(average="macro")}: the unweighted mean of per-label F1 over
   * labels that occur in the gold or the predictions, 0 for a label with no true positives.
   */
  public static double macroF1(int[] gold, int[] predicted, int classes) {
    int[] tp = new int[classes];
    int[] fp = new int[classes];
    int[] fn = new int[classes];
    boolean[] present = new boolean[classes];
    for (int i = 0; i < gold.length; i++) {
      present[gold[i]] = true;
      present[predicted[i]] = true;
      if (gold[i] == predicted[i]) {
        tp[gold[i]]++;
      } else {
        fp[predicted[i]]++;
        fn[gold[i]]++;
      }
    }
    double sum = 0;
    int labels = 0;
    for (int k = 0; k < classes; k++) {
      if (!present[k]) {
        continue;
      }
      labels++;
      double denominator = 2.0 * tp[k] + fp[k] + fn[k];
      sum += denominator == 0 ? 0 : 2.0 * tp[k] / denominator;
    }
    return labels == 0 ? 0 : sum / labels;
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
