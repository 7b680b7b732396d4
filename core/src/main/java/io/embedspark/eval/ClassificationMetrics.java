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
    return accuracy(confusion(gold, predicted, classesOf(gold, predicted)));
  }

  /**
   * scikit-learn's {@code f1_score(average="macro")}: the unweighted mean of per-label F1 over
   * labels that occur in the gold or the predictions, 0 for a label with no true positives.
   */
  public static double macroF1(int[] gold, int[] predicted, int classes) {
    return macroF1(confusion(gold, predicted, classes));
  }

  /** {@code confusion[gold][predicted]} counts. */
  public static long[][] confusion(int[] gold, int[] predicted, int classes) {
    long[][] m = new long[classes][classes];
    for (int i = 0; i < gold.length; i++) {
      m[gold[i]][predicted[i]]++;
    }
    return m;
  }

  /** Accuracy from a confusion matrix (so it can be summed over a cluster's partitions). */
  public static double accuracy(long[][] confusion) {
    long right = 0;
    long all = 0;
    for (int k = 0; k < confusion.length; k++) {
      for (int j = 0; j < confusion.length; j++) {
        all += confusion[k][j];
      }
      right += confusion[k][k];
    }
    return (double) right / all;
  }

  /** Macro F1 (as {@link #macroF1(int[], int[], int)}) from a confusion matrix. */
  public static double macroF1(long[][] confusion) {
    double sum = 0;
    int labels = 0;
    for (int k = 0; k < confusion.length; k++) {
      long tp = confusion[k][k];
      long fn = 0;
      long fp = 0;
      for (int j = 0; j < confusion.length; j++) {
        if (j != k) {
          fn += confusion[k][j];
          fp += confusion[j][k];
        }
      }
      if (tp + fn + fp == 0) {
        continue; // neither gold nor predicted
      }
      labels++;
      sum += 2.0 * tp / (2.0 * tp + fp + fn);
    }
    return labels == 0 ? 0 : sum / labels;
  }

  private static int classesOf(int[] gold, int[] predicted) {
    int max = 0;
    for (int i = 0; i < gold.length; i++) {
      max = Math.max(max, Math.max(gold[i], predicted[i]));
    }
    return max + 1;
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
