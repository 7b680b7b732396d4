package io.embedspark.eval.report;

import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.tasks.ReportKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The main metric of each of a report's tasks for every contender: the evaluated model and each
 * compared model at its own full dimension, and each baseline on the tasks it has. The metric is
 * the one the evaluated report names for the task, so all contenders are scored alike.
 * Contenders come in a fixed order: the model, the baselines by name, the compared models by
 * name.
 */
final class MainScores {
  private final List<String> tasks;
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final Map<String, Map<String, Double>> scores = new LinkedHashMap<>();

  private MainScores(List<String> tasks) {
    this.tasks = tasks;
  }

  /**
   * @param compared other models' reports by name; may be empty
   * @throws InvalidInputException when the model, a baseline and a compared model share a name
   */
  static MainScores of(EvalReport report, Map<String, EvalReport> compared) {
    MainScores s = new MainScores(new ArrayList<>(new TreeMap<>(report.tasks()).keySet()));
    s.addModel(report.model(), report, report);
    for (Map.Entry<String, Map<String, Double>> b : report.baselines().entrySet()) {
      Map<String, Double> byTask = new LinkedHashMap<>();
      for (String task : s.tasks) {
        Double v = b.getValue().get(ReportKeys.of(task, report.mainMetrics().get(task)));
        if (present(v)) {
          byTask.put(task, v);
        }
      }
      s.add(b.getKey(), b.getKey(), byTask);
    }
    for (Map.Entry<String, EvalReport> c : new TreeMap<>(compared).entrySet()) {
      s.addModel(c.getKey(), c.getValue(), report);
    }
    return s;
  }

  private void addModel(String name, EvalReport model, EvalReport reference) {
    int dim = model.fullDim();
    Map<String, Double> byTask = new LinkedHashMap<>();
    for (String task : tasks) {
      Double v = model.metrics().get(ReportKeys.of(task, reference.mainMetrics().get(task), dim));
      if (present(v)) {
        byTask.put(task, v);
      }
    }
    add(name, name + " (d" + dim + ")", byTask);
  }

  private void add(String name, String label, Map<String, Double> byTask) {
    if (labels.containsKey(name)) {
      throw new InvalidInputException("two contenders in the report are named " + name
          + "; give compared models names distinct from the model and the baselines");
    }
    labels.put(name, label);
    scores.put(name, byTask);
  }

  private static boolean present(Double v) {
    return v != null && !v.isNaN();
  }

  /** The report's tasks, sorted. */
  List<String> tasks() {
    return tasks;
  }

  /** Contender names in report order. */
  List<String> contenders() {
    return List.copyOf(labels.keySet());
  }

  /** A contender's name with the dimension it is scored at, for headers and legends. */
  String label(String contender) {
    return labels.get(contender);
  }

  /** A contender's main metric on a task, or null when it has none. */
  Double score(String contender, String task) {
    return scores.get(contender).get(task);
  }

  /** Task to (contender to score), only the scores present, as Borda ranking takes them. */
  Map<String, Map<String, Double>> byTask() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (String task : tasks) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String c : labels.keySet()) {
        Double v = score(c, task);
        if (v != null) {
          m.put(c, v);
        }
      }
      out.put(task, m);
    }
    return out;
  }
}
