package io.embedspark.eval.tasks;

import io.embedspark.data.ModelPrompts;
import io.embedspark.data.PromptTemplate;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a non-retrieval task at every Matryoshka dimension with its type's {@link Evaluator}:
 * the texts are embedded once at full dimension, then each dimension's prefix is re-normalised
 * and scored by the metric MTEB uses for the task type. Keys follow {@link ReportKeys}.
 */
public final class TaskEvaluator {
  private final EvaluationContext context;

  /**
   * @param dims Matryoshka dimensions to report, each at most the embedder's output dimension
   * @param seed seed of the classification samples and the k-means initialisations
   */
  public TaskEvaluator(TextEmbedder embedder, List<Integer> dims, long seed) {
    this(embedder, dims, seed, null);
  }

  /**
   * @param prompts the model's own prompts ({@link ModelPrompts}), or null for the Gemini task
   *     prompts
   */
  public TaskEvaluator(TextEmbedder embedder, List<Integer> dims, long seed,
      ModelPrompts prompts) {
    this.context = new EvaluationContext(embedder, dims, seed, prompts);
  }

  /**
   * Every metric of the task at every dimension, with the task's own prompt, else the model's
   * own query prompt, else its type's.
   */
  public Map<String, Double> evaluate(EvalTask task, PromptTemplate prompt) {
    return task.evaluate(prompt == null ? context.defaultPrompt(task.type()) : prompt, context);
  }

  /**
   * The per-item values the tasks evaluated since the last call recorded (bitext mining: each
   * source sentence's share of the F1), by main-metric report key.
   */
  public Map<String, Map<String, Double>> takeItemScores() {
    return context.items().take();
  }
}
