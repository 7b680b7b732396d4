package io.embedspark.eval;

import io.embedspark.error.InvalidInputException;
import java.util.HashMap;
import java.util.Map;

/**
 * V-measure (Rosenberg and Hirschberg 2007), MTEB's clustering metric: the harmonic mean of
 * homogeneity and completeness of predicted clusters against gold labels, with natural
 * logarithms as scikit-learn's {@code v_measure_score} (beta = 1).
 */
public final class ClusteringMetrics {
  private ClusteringMetrics() {}

  public static double vMeasure(int[] labels, int[] clusters) {
    if (labels.length != clusters.length || labels.length == 0) {
      throw new InvalidInputException("v-measure: " + labels.length + " labels and "
          + clusters.length + " cluster assignments");
    }
    Map<Integer, Integer> classIds = new HashMap<>();
    Map<Integer, Integer> clusterIds = new HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      classIds.putIfAbsent(labels[i], classIds.size());
      clusterIds.putIfAbsent(clusters[i], clusterIds.size());
    }
    long[][] contingency = new long[classIds.size()][clusterIds.size()];
    for (int i = 0; i < labels.length; i++) {
      contingency[classIds.get(labels[i])][clusterIds.get(clusters[i])]++;
    }
    return vMeasure(contingency);
  }

  /**
   * V-measure from a contingency table: {@code contingency[class][cluster]} counts the items of a
   * gold class put in a cluster (so it can be summed over a cluster's partitions).
   */
  public static double vMeasure(long[][] contingency) {
    int classes = contingency.length;
    int clusters = classes == 0 ? 0 : contingency[0].length;
    long[] classCount = new long[classes];
    long[] clusterCount = new long[clusters];
    long n = 0;
    for (int c = 0; c < classes; c++) {
      for (int k = 0; k < clusters; k++) {
        classCount[c] += contingency[c][k];
        clusterCount[k] += contingency[c][k];
        n += contingency[c][k];
      }
    }
    if (n == 0) {
      throw new InvalidInputException("v-measure: the contingency table is empty");
    }
    double hClass = entropy(classCount, n);
    double hCluster = entropy(clusterCount, n);
    double mutual = 0;
    for (int c = 0; c < classes; c++) {
      for (int k = 0; k < clusters; k++) {
        if (contingency[c][k] > 0) {
          double pij = contingency[c][k] / (double) n;
          mutual += pij * Math.log(pij / (classCount[c] / (double) n
              * (clusterCount[k] / (double) n)));
        }
      }
    }
    double homogeneity = hClass == 0 ? 1.0 : mutual / hClass;
    double completeness = hCluster == 0 ? 1.0 : mutual / hCluster;
    return homogeneity + completeness == 0 ? 0.0
        : 2 * homogeneity * completeness / (homogeneity + completeness);
  }

  private static double entropy(long[] counts, long n) {
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = c / (double) n;
        h -= p * Math.log(p);
      }
    }
    return h;
  }
}
