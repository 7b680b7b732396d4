package io.embedspark.eval.tasks;

/**
 * The stable keys of an evaluation report: {@code {task}/{metric}/d{dim}} where the metric may
 * carry a cutoff ({@code ndcg@10}), e.g. {@code debian-retrieval/ndcg@10/d256}; baselines that
 * have no dimension (BM25) drop the last part.
 */
public final class ReportKeys {
  private ReportKeys() {}

  public static String of(String task, String metric, int dim) {
    return task + "/" + metric + "/d" + dim;
  }

  public static String of(String task, String metric) {
    return task + "/" + metric;
  }

  /** The task part of a key. */
  public static String task(String key) {
    return key.substring(0, key.indexOf('/'));
  }

  /** The metric part of a key. */
  public static String metric(String key) {
    String[] parts = key.split("/");
    return parts[1];
  }

  /** The dimension of a key, or 0 when it has none. */
  public static int dim(String key) {
    String[] parts = key.split("/");
    return parts.length > 2 && parts[2].startsWith("d") ? Integer.parseInt(parts[2].substring(1))
        : 0;
  }
}
