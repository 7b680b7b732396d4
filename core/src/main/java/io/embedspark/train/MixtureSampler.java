package io.embedspark.train;

import io.embedspark.data.TrainingExample;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Task-homogeneous batches from a mixture of datasets, as in Gemini Embedding's finetuning stage
 * (Lee et al. 2025, arXiv 2503.07891): each step picks one dataset with probability proportional
 * to its weight (seeded by the step) and takes the whole batch from it, so in-batch negatives
 * always come from the same task. Each dataset's batches follow its own seeded per-epoch
 * shuffle, indexed by the global step.
 */
public final class MixtureSampler implements BatchSource {
  private final List<String> names = new ArrayList<>();
  private final List<BatchSampler> samplers = new ArrayList<>();
  private final double[] cumulative;
  private final long seed;
  private final int size;

  /** One dataset of the mixture. */
  public record Dataset(String name, List<TrainingExample> examples, double weight) {}

  public MixtureSampler(List<Dataset> datasets, int batchSize, long seed) {
    if (datasets.isEmpty()) {
      throw new InvalidInputException("the mixture has no datasets");
    }
    this.seed = seed;
    this.cumulative = new double[datasets.size()];
    double total = 0;
    int examples = 0;
    for (int i = 0; i < datasets.size(); i++) {
      Dataset d = datasets.get(i);
      if (!(d.weight() > 0) || Double.isInfinite(d.weight())) {
        throw new InvalidInputException("dataset '" + d.name() + "': weight " + d.weight()
            + " must be positive");
      }
      if (d.examples().size() < batchSize) {
        throw new InvalidInputException("dataset '" + d.name() + "' has " + d.examples().size()
            + " examples, fewer than train.global_batch_size = " + batchSize
            + "; every batch comes from one dataset");
      }
      names.add(d.name());
      samplers.add(new BatchSampler(d.examples(), batchSize, seed * 31 + i));
      total += d.weight();
      cumulative[i] = total;
      examples += d.examples().size();
    }
    for (int i = 0; i < cumulative.length; i++) {
      cumulative[i] /= total;
    }
    this.size = examples;
  }

  /** The dataset step {@code step} draws from. */
  public int datasetOf(long step) {
    double u = new SplittableRandom(seed * 1_000_033L + step).nextDouble();
    for (int i = 0; i < cumulative.length - 1; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  public String name(int dataset) {
    return names.get(dataset);
  }

  @Override
  public List<TrainingExample> batch(long step) {
    return samplers.get(datasetOf(step)).batch(step);
  }

  @Override
  public int size() {
    return size;
  }
}
