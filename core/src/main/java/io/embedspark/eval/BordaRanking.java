package io.embedspark.eval;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Borda count across tasks, as MTEB's leaderboard ranks models (Enevoldsen et al. 2025, MMTEB,
 * arXiv 2502.13595): on each task a model scores one point for every model it beats and half a
 * point for every model it ties; models are ranked by their total over tasks (higher is better).
 * A model without a score on a task gets no points for it.
 */
public final class BordaRanking {
  private BordaRanking() {}

  /** A model's total and its rank (1 = best; tied totals share the better rank). */
  public record Entry(String model, double points, int rank) {}

  /**
   * @param scores task to (model to score); higher scores are better
   * @return models by rank
   */
  public static List<Entry> rank(Map<String, Map<String, Double>> scores) {
    Map<String, Double> points = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Double>> task : scores.entrySet()) {
      for (Map.Entry<String, Double> m : task.getValue().entrySet()) {
        if (m.getValue() == null || m.getValue().isNaN()) {
          throw new InvalidInputException("task " + task.getKey() + ": model " + m.getKey()
              + " has no number");
        }
        double p = 0;
        for (Map.Entry<String, Double> other : task.getValue().entrySet()) {
          if (!other.getKey().equals(m.getKey())) {
            int c = Double.compare(m.getValue(), other.getValue());
            p += c > 0 ? 1 : c == 0 ? 0.5 : 0;
          }
        }
        points.merge(m.getKey(), p, Double::sum);
      }
    }
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(points.entrySet());
    sorted.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      int rank = i > 0 && sorted.get(i).getValue().equals(sorted.get(i - 1).getValue())
          ? out.get(i - 1).rank() : i + 1;
      out.add(new Entry(sorted.get(i).getKey(), sorted.get(i).getValue(), rank));
    }
    return out;
  }
}
