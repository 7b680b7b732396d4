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
    int n = labels.length;
    Map<Integer, Integer> classCount = new HashMap<>();
    Map<Integer, Integer> clusterCount = new HashMap<>();
    Map<Long, Integer> joint = new HashMap<>();
    for (int i = 0; i < n; i++) {
      classCount.merge(labels[i], 1, Integer::sum);
      clusterCount.merge(clusters[i], 1, Integer::sum);
      joint.merge(((long) labels[i] << 32) ^ (clusters[i] & 0xffffffffL), 1, Integer::sum);
    }
    double hClass = entropy(classCount, n);
    double hCluster = entropy(clusterCount, n);
    double mutual = 0;
    for (Map.Entry<Long, Integer> e : joint.entrySet()) {
      int c = (int) (e.getKey() >> 32);
      int k = (int) (long) e.getKey();
      double pij = e.getValue() / (double) n;
      mutual += pij * Math.log(pij / (classCount.get(c) / (double) n
          * (clusterCount.get(k) / (double) n)));
    }
    double homogeneity = hClass == 0 ? 1.0 : mutual / hClass;
    double completeness = hCluster == 0 ? 1.0 : mutual / hCluster;
    return homogeneity + completeness == 0 ? 0.0
        : 2 * homogeneity * completeness / (homogeneity + completeness);
  }

  private static double entropy(Map<Integer, Integer> counts, int n) {
    double h = 0;
    for (int c : counts.values()) {
      double p = c / (double) n;
      h -= p * Math.log(p);
    }
    return h;
  }
}
