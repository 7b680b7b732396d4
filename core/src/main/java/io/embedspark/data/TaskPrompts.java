package io.embedspark.data;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The prompts of each task (Gemini Embedding's task prompts, arXiv 2503.07891): one template for
 * queries, one for documents (positives and negatives). Tasks without an entry use the defaults.
 *
 * @param queryDefault query prompt of tasks not listed
 * @param documentDefault document prompt of tasks not listed
 * @param perTask task name to its (query, document) prompts
 */
public record TaskPrompts(PromptTemplate queryDefault, PromptTemplate documentDefault,
    Map<String, Pair> perTask) {

  /** The task of the default prompts: a search query against a document. */
  public static final String DEFAULT_TASK = "retrieval";

  /** A task's query and document prompts. */
  public record Pair(PromptTemplate query, PromptTemplate document) {}

  /** Gemini's retrieval prompts for every task. */
  public static TaskPrompts retrievalDefaults() {
    return new TaskPrompts(PromptTemplate.SEARCH_QUERY, PromptTemplate.DOCUMENT, Map.of());
  }

  /**
   * The prompts training gives each task of a mixture, the ones evaluation embeds that task's
   * texts with: retrieval (and any task not listed) a search query against a document;
   * {@code classification} the text to classify against its label as it is; {@code clustering}
   * the text against a document; {@code sts} similarity on both sides; {@code bitext} no prompt
   * on either side, as bitext mining embeds both languages.
   */
  public static TaskPrompts gemini() {
    return new TaskPrompts(PromptTemplate.SEARCH_QUERY, PromptTemplate.DOCUMENT, Map.of(
        "classification", new Pair(PromptTemplate.CLASSIFICATION, PromptTemplate.NONE),
        "clustering", new Pair(PromptTemplate.CLUSTERING, PromptTemplate.DOCUMENT),
        "sts", new Pair(PromptTemplate.SIMILARITY, PromptTemplate.SIMILARITY),
        "bitext", new Pair(PromptTemplate.NONE, PromptTemplate.NONE)));
  }

  /** {@link #DEFAULT_TASK}, then the tasks with prompts of their own, by name. */
  public List<String> taskNames() {
    return Stream.concat(Stream.of(DEFAULT_TASK), perTask.keySet().stream().sorted()).toList();
  }

  /** The (query, document) prompts of {@code task}: its own, or the defaults. */
  public Pair of(String task) {
    Pair p = perTask.get(task);
    return p == null ? new Pair(queryDefault, documentDefault) : p;
  }

  public String query(String task, String text) {
    return of(task).query().apply(null, text);
  }

  public String document(String task, String text) {
    return of(task).document().apply(null, text);
  }
}
