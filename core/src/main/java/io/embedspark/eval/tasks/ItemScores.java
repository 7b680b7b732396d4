package io.embedspark.eval.tasks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-item values an evaluator records beside its metrics, keyed by a main-metric report key
 * ({@link ReportKeys}), then by item: the values whose mean is the metric, so that two models can
 * be compared item by item ({@link io.embedspark.eval.PairedDifference}). Bitext mining records
 * each source sentence's share of the F1.
 */
public final class ItemScores {
  private final Map<String, Map<String, Double>> recorded = new LinkedHashMap<>();

  /** Records {@code values} (item to value) under {@code key}, replacing earlier ones. */
  public synchronized void record(String key, Map<String, Double> values) {
    recorded.put(key, new TreeMap<>(values));
  }

  /** Everything recorded since the last call, which is then forgotten. */
  public synchronized Map<String, Map<String, Double>> take() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>(recorded);
    recorded.clear();
    return out;
  }
}
