package io.embedspark.data;

import io.embedspark.error.InvalidInputException;
import java.io.Serializable;

/**
 * A task prompt prepended to every text, as in Gemini Embedding (Lee et al. 2025, arXiv
 * 2503.07891): e.g. {@code task: search result | query: {text}} for queries and
 * {@code title: {title} | text: {text}} for documents. {@code {text}} is required;
 * {@code {title}} becomes {@code none} when a row has no title.
 *
 * @param template the prompt with {@code {text}} and optionally {@code {title}}
 */
public record PromptTemplate(String template) implements Serializable {
  /** Gemini's query prompt for retrieval. */
  public static final PromptTemplate SEARCH_QUERY =
      new PromptTemplate("task: search result | query: {text}");
  /** Gemini's document prompt. */
  public static final PromptTemplate DOCUMENT = new PromptTemplate("title: {title} | text: {text}");
  /** Gemini's prompt for texts to classify. */
  public static final PromptTemplate CLASSIFICATION =
      new PromptTemplate("task: classification | query: {text}");
  /** Gemini's prompt for texts to cluster. */
  public static final PromptTemplate CLUSTERING =
      new PromptTemplate("task: clustering | query: {text}");
  /** Gemini's prompt for both texts of a similarity pair. */
  public static final PromptTemplate SIMILARITY =
      new PromptTemplate("task: sentence similarity | query: {text}");
  /** No prompt: the text as it is. */
  public static final PromptTemplate NONE = new PromptTemplate("{text}");

  public PromptTemplate {
    if (template == null || !template.contains("{text}")) {
      throw new InvalidInputException("prompt '" + template + "' must contain {text}");
    }
  }

  /**
   * A prompt as configs name it: {@code document}, {@code query} (the search-query prompt),
   * {@code none}, or a template of its own.
   */
  public static PromptTemplate named(String name) {
    return switch (name) {
      case "document" -> DOCUMENT;
      case "query" -> SEARCH_QUERY;
      case "none" -> NONE;
      default -> new PromptTemplate(name);
    };
  }

  /** The prompted text. */
  public String apply(String title, String text) {
    String t = title == null || title.isBlank() ? "none" : title;
    return template.replace("{title}", t).replace("{text}", text);
  }
}
