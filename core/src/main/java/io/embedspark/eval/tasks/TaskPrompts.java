package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;

/**
 * The task prompts of the Gemini Embedding recipe (Lee et al. 2025, arXiv 2503.07891), one per
 * task type, used unless a task names its own.
 */
public final class TaskPrompts {
  public static final PromptTemplate CLASSIFICATION =
      new PromptTemplate("task: classification | query: {text}");
  public static final PromptTemplate CLUSTERING =
      new PromptTemplate("task: clustering | query: {text}");
  public static final PromptTemplate SIMILARITY =
      new PromptTemplate("task: sentence similarity | query: {text}");

  private TaskPrompts() {}
}
