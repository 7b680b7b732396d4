package io.embedspark.eval.tasks;

import io.embedspark.data.ModelPrompts;
import io.embedspark.data.PromptTemplate;
import io.embedspark.model.Matryoshka;
import java.util.ArrayList;
import java.util.List;

/**
 * What every task evaluator shares: the embedder, the Matryoshka dims to report and the seed of
 * sampled metrics. Texts are embedded once at full dimension; each dim's prefix is re-normalised
 * ({@link Matryoshka#truncate}). {@code prompts} are the model's own ({@link ModelPrompts}), or
 * null for the Gemini task prompts; {@code items} collects the per-item values evaluators record.
 */
public record EvaluationContext(TextEmbedder embedder, List<Integer> dims, long seed,
    ModelPrompts prompts, ItemScores items) {

  /** A model with no prompts of its own: the Gemini task prompts. */
  public EvaluationContext(TextEmbedder embedder, List<Integer> dims, long seed) {
    this(embedder, dims, seed, null);
  }

  /** Per-item values collected in a fresh {@link ItemScores}. */
  public EvaluationContext(TextEmbedder embedder, List<Integer> dims, long seed,
      ModelPrompts prompts) {
    this(embedder, dims, seed, prompts, new ItemScores());
  }

  public EvaluationContext {
    dims = List.copyOf(dims);
  }

  /** The prompt of document-side texts: the model's own, else Gemini's. */
  public PromptTemplate documentPrompt() {
    return prompts == null ? PromptTemplate.DOCUMENT : prompts.documentTemplate();
  }

  /** A task type's default prompt for this model: its own query prompt, else the type's. */
  public PromptTemplate defaultPrompt(TaskType type) {
    return prompts == null ? type.defaultPrompt() : prompts.queryTemplate();
  }

  /** The texts with {@code prompt} applied, embedded. */
  public float[][] embed(List<String> texts, PromptTemplate prompt) {
    List<String> prompted = new ArrayList<>(texts.size());
    for (String t : texts) {
      prompted.add(prompt.apply("", t));
    }
    return embedder.embed(prompted);
  }

  /** The re-normalised prefixes of {@code d} coordinates. */
  public static float[][] truncate(float[][] x, int d) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = Matryoshka.truncate(x[i], d);
    }
    return out;
  }
}
