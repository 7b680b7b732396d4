package io.embedspark.train;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.Provenance;
import io.embedspark.model.ModelParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model soup (Wortsman et al. 2022, "Model soups", arXiv 2203.05482), as Gemini Embedding uses
 * to combine checkpoints of several runs: the element-wise mean of the parameters of bundles that
 * share one architecture and tokenizer (uniform soup), or of those a held-out score picks
 * greedily (greedy soup). The mean is taken in double precision.
 */
public final class ModelSoup {
  private ModelSoup() {}

  /** A candidate ingredient with its own score on held-out data (higher is better). */
  public record Candidate(String name, CheckpointBundle bundle, double score) {}

  /** The greedy soup, its ingredients in the order they were added, and its score. */
  public record Greedy(CheckpointBundle soup, List<String> ingredients, double score,
      List<String> log) {}

  /**
   * The greedy soup of Wortsman et al. 2022 (Algorithm 1): candidates sorted by their own score,
   * best first; the soup starts as the best candidate and each next candidate is kept only if the
   * uniform soup with it scores at least as well as the soup without it. The result is never
   * worse on the held-out score than the best single candidate.
   *
   * @param scorer the held-out score of a bundle (e.g. a dev retrieval metric); called once per
   *     candidate after the first
   */
  public static Greedy greedy(List<Candidate> candidates,
      java.util.function.ToDoubleFunction<CheckpointBundle> scorer) {
    if (candidates.isEmpty()) {
      throw new InvalidInputException("a soup needs at least one ingredient");
    }
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort(java.util.Comparator.comparingDouble(Candidate::score).reversed());
    List<Candidate> kept = new ArrayList<>(List.of(sorted.get(0)));
    CheckpointBundle soup = sorted.get(0).bundle();
    double best = sorted.get(0).score();
    List<String> log = new ArrayList<>();
    log.add(String.format(java.util.Locale.ROOT, "start with %s (%.4f)", sorted.get(0).name(),
        best));
    for (Candidate c : sorted.subList(1, sorted.size())) {
      List<Candidate> trial = new ArrayList<>(kept);
      trial.add(c);
      CheckpointBundle mixed = uniform(trial.stream().map(Candidate::bundle).toList(),
          trial.stream().map(Candidate::name).toList());
      double score = scorer.applyAsDouble(mixed);
      boolean keep = score >= best;
      log.add(String.format(java.util.Locale.ROOT, "%s %s: soup of %d scores %.4f vs %.4f",
          keep ? "add" : "skip", c.name(), trial.size(), score, best));
      if (keep) {
        kept = trial;
        soup = mixed;
        best = score;
      }
    }
    List<String> names = kept.stream().map(Candidate::name).toList();
    if (kept.size() > 1) {
      soup = soup.with(soup.parameters(), Provenance.now("soup:greedy of "
          + String.join(", ", names), soup.provenance().data(), soup.provenance().seed(), null,
          null));
    }
    return new Greedy(soup, names, best, log);
  }

  /**
   * The uniform soup of {@code ingredients}, with {@code names} (for messages and provenance).
   *
   * @throws InvalidInputException naming the first ingredient whose config or tokenizer differs
   */
  public static CheckpointBundle uniform(List<CheckpointBundle> ingredients, List<String> names) {
    if (ingredients.isEmpty()) {
      throw new InvalidInputException("a soup needs at least one ingredient");
    }
    CheckpointBundle first = ingredients.get(0);
    for (int i = 1; i < ingredients.size(); i++) {
      CheckpointBundle b = ingredients.get(i);
      if (!b.config().equals(first.config())) {
        throw new InvalidInputException(names.get(i) + " has a different model config than "
            + names.get(0) + "; only models of one architecture can be averaged");
      }
      if (!b.tokenizerJson().equals(first.tokenizerJson())) {
        throw new InvalidInputException(names.get(i) + " has a different tokenizer than "
            + names.get(0));
      }
    }
    Map<String, FloatTensor> mean = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : first.parameters().tensors().entrySet()) {
      double[] sum = new double[e.getValue().values().length];
      for (CheckpointBundle b : ingredients) {
        float[] v = b.parameters().get(e.getKey()).values();
        for (int i = 0; i < sum.length; i++) {
          sum[i] += v[i];
        }
      }
      float[] out = new float[sum.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (sum[i] / ingredients.size());
      }
      mean.put(e.getKey(), new FloatTensor(e.getValue().shape(), out));
    }
    List<String> data = new ArrayList<>();
    for (CheckpointBundle b : ingredients) {
      data.addAll(b.provenance().data());
    }
    return first.with(ModelParameters.of(mean, first.config().model(), "soup")
        .requireFinite("soup of " + String.join(", ", names)),
        Provenance.now("soup:uniform of " + String.join(", ", names),
            data.stream().distinct().toList(), first.provenance().seed(), null, null));
  }
}
