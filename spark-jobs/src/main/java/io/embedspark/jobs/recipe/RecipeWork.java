package io.embedspark.jobs.recipe;

import io.embedspark.jobs.train.TrainJobConfig;

/** The work of the recipe's training stages, for {@link RecipeClock}. */
final class RecipeWork {
  private RecipeWork() {}

  /**
   * A training stage: every step's queries, positives and negatives trained, and its dev
   * evaluations (the start and every checkpoint) when it has a dev suite.
   *
   * @param negativesPerExample hard negatives an example carries on average
   * @param devTexts texts one evaluation of the dev suite embeds
   */
  static RecipeClock.Work training(TrainJobConfig c, double negativesPerExample,
      long devTexts) {
    double sequences = (double) c.train().steps() * c.train().globalBatchSize()
        * (2 + negativesPerExample);
    int evaluations = c.eval() == null ? 0 : checkpoints(c) + 1;
    return new RecipeClock.Work(sequences, evaluations * (double) devTexts);
  }

  /** Checkpoints a training stage writes: every {@code checkpoint_every} steps and the last. */
  static int checkpoints(TrainJobConfig c) {
    return (c.train().steps() + c.train().checkpointEvery() - 1) / c.train().checkpointEvery();
  }

  /**
   * Hard negatives per example over a mixture where only the dataset {@code mined} (the mined
   * triples, added by the recipe) carries them: its share of the sampling weight times its
   * negatives per row.
   */
  static double negativesPerExample(TrainJobConfig c, String mined, int negatives) {
    double all = c.datasets().stream().mapToDouble(TrainJobConfig.Dataset::weight).sum();
    double share = c.datasets().stream().filter(d -> d.name().equals(mined))
        .mapToDouble(TrainJobConfig.Dataset::weight).sum();
    return all == 0 ? 0 : negatives * share / all;
  }
}
