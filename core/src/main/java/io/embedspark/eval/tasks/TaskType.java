package io.embedspark.eval.tasks;

import io.embedspark.config.Choice;
import io.embedspark.data.PromptTemplate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The task types of the evaluation suite (Muennighoff et al. 2023, arXiv 2210.07316, MTEB), each
 * with the name configs use, the metric MTEB reports as its main score, and the Gemini Embedding
 * task prompt (Lee et al. 2025, arXiv 2503.07891) its texts get unless a task names its own.
 */
public enum TaskType implements Choice {
  RETRIEVAL("retrieval", "ndcg@10", PromptTemplate.SEARCH_QUERY),
  CLASSIFICATION("classification", "accuracy", PromptTemplate.CLASSIFICATION),
  CLUSTERING("clustering", "v_measure", PromptTemplate.CLUSTERING),
  STS("sts", "cosine_spearman", PromptTemplate.SIMILARITY),
  PAIR_CLASSIFICATION("pair_classification", "max_ap", PromptTemplate.SIMILARITY),
  RERANKING("reranking", "map", PromptTemplate.SEARCH_QUERY),
  BITEXT("bitext", "f1", PromptTemplate.NONE);

  private final String key;
  private final String primaryMetric;
  private final PromptTemplate defaultPrompt;

  TaskType(String key, String primaryMetric, PromptTemplate defaultPrompt) {
    this.key = key;
    this.primaryMetric = primaryMetric;
    this.defaultPrompt = defaultPrompt;
  }

  /** The name configs and reports use, e.g. {@code pair_classification}. */
  @Override
  public String key() {
    return key;
  }

  /** MTEB's main score of this type, as the report keys name it. */
  public String primaryMetric() {
    return primaryMetric;
  }

  /** The prompt of the type's texts (of a reranking task's queries; candidates are documents). */
  public PromptTemplate defaultPrompt() {
    return defaultPrompt;
  }

  /** Every type's name, in order. */
  public static List<String> keys() {
    return Arrays.stream(values()).map(TaskType::key).toList();
  }

  /**
   * The type named {@code key}, in any case and surrounding spaces.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static TaskType parse(String key) {
    String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
    for (TaskType t : values()) {
      if (t.key.equals(k)) {
        return t;
      }
    }
    throw new IllegalArgumentException("'" + key + "' must be one of " + String.join(", ",
        keys()));
  }
}
