package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import io.embedspark.model.Matryoshka;
import java.util.ArrayList;
import java.util.List;

/**
 * What every task evaluator shares: the embedder, the Matryoshka dims to report and the seed of
 * sampled metrics. Texts are embedded once at full dimension; each dim's prefix is re-normalised
 * ({@link Matryoshka#truncate}).
 */
public record EvaluationContext(TextEmbedder embedder, List<Integer> dims, long seed) {

  public EvaluationContext {
    dims = List.copyOf(dims);
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
