package io.embedspark.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.Serializable;
import java.util.Map;

/**
 * A model's own prompts, declared by its bundle: the template of every query-side text (queries,
 * and the texts of symmetric tasks) and of every document-side text. A model trained with
 * prompts of its own, as e5 with {@code query: } and {@code passage: } (Wang et al. 2022, "Text
 * Embeddings by Weakly-Supervised Contrastive Pre-training", arXiv 2212.03533), embeds best with
 * them; a bundle without them uses the Gemini Embedding task prompts (Lee et al. 2025, arXiv
 * 2503.07891), as every model this project trains.
 *
 * @param query the query-side template, with {@code {text}}
 * @param document the document-side template, with {@code {text}} and optionally {@code {title}}
 */
public record ModelPrompts(String query, String document) implements Serializable {
  private static final long serialVersionUID = 1L;

  public ModelPrompts {
    new PromptTemplate(query);
    new PromptTemplate(document);
  }

  /** Prompts that are plain prefixes, as sentence-transformers stores them. */
  public static ModelPrompts ofPrefixes(String queryPrefix, String documentPrefix) {
    return new ModelPrompts(queryPrefix + "{text}", documentPrefix + "{text}");
  }

  /**
   * The query and document prefixes when both prompts are a prefix followed by {@code {text}},
   * else null.
   */
  @JsonIgnore
  public String[] prefixes() {
    String q = prefix(query);
    String d = prefix(document);
    return q == null || d == null ? null : new String[] {q, d};
  }

  private static String prefix(String template) {
    String p = template.endsWith("{text}")
        ? template.substring(0, template.length() - "{text}".length()) : null;
    return p == null || p.contains("{text}") || p.contains("{title}") ? null : p;
  }

  @JsonIgnore
  public PromptTemplate queryTemplate() {
    return new PromptTemplate(query);
  }

  @JsonIgnore
  public PromptTemplate documentTemplate() {
    return new PromptTemplate(document);
  }

  /**
   * The prompt a config names, for a model with {@code prompts} (null: the Gemini prompts):
   * {@code query} and {@code document} are the model's, {@code none} and templates as written.
   */
  public static PromptTemplate resolve(String name, ModelPrompts prompts) {
    if (prompts != null && name.equals("query")) {
      return prompts.queryTemplate();
    }
    if (prompts != null && name.equals("document")) {
      return prompts.documentTemplate();
    }
    return PromptTemplate.named(name);
  }

  /** The prompts training uses for a model with {@code prompts} (null: Gemini's per task). */
  public static TaskPrompts training(ModelPrompts prompts) {
    return prompts == null ? TaskPrompts.gemini()
        : new TaskPrompts(prompts.queryTemplate(), prompts.documentTemplate(), Map.of());
  }
}
