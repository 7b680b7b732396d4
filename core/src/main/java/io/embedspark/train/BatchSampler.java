package io.embedspark.train;

import io.embedspark.data.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which examples form the batch of each step: a fresh seeded permutation of the data every epoch,
 * cut into consecutive batches. A pure function of (seed, step), so a resumed run draws exactly
 * the batches an uninterrupted run would.
 */
final class BatchSampler implements BatchSource {
  private final List<TrainingExample> examples;
  private final int batchSize;
  private final long seed;

  BatchSampler(List<TrainingExample> examples, int batchSize, long seed) {
    if (examples.size() < batchSize) {
      throw new io.embedspark.error.InvalidInputException("the training data has "
          + examples.size() + " examples, fewer than train.global_batch_size = " + batchSize);
    }
    this.examples = examples;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  @Override
  public List<TrainingExample> batch(long step) {
    long batchesPerEpoch = examples.size() / batchSize;
    long epoch = (step - 1) / batchesPerEpoch;
    int offset = (int) ((step - 1) % batchesPerEpoch) * batchSize;
    int[] order = permutation(epoch);
    List<TrainingExample> batch = new ArrayList<>(batchSize);
    for (int i = 0; i < batchSize; i++) {
      batch.add(examples.get(order[offset + i]));
    }
    return batch;
  }

  @Override
  public int size() {
    return examples.size();
  }

  private int[] permutation(long epoch) {
    int[] order = new int[examples.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
