package io.embedspark.train;

import io.embedspark.data.TrainingExample;
import java.util.List;

/**
 * The examples of each training step: a pure function of the step (and the source's seed), so a
 * resumed run draws exactly the batches an uninterrupted run would.
 */
public interface BatchSource {
  /** The examples of step {@code step} (counted from 1). */
  List<TrainingExample> batch(long step);

  /** Number of distinct examples the source draws from, for provenance. */
  int size();

  /** One dataset, shuffled every epoch. */
  static BatchSource of(List<TrainingExample> examples, int batchSize, long seed) {
    return new BatchSampler(examples, batchSize, seed);
  }
}
