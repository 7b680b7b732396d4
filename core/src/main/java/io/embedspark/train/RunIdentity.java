package io.embedspark.train;

import io.embedspark.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * What a run's checkpoints are only valid with: the settings that decide its batches and its
 * updates, and a fingerprint of its data (the row count and the ids of the first batch, which
 * depend on the datasets, their mixture, the batch size and the seed). Recorded in every
 * checkpoint; a resume with other values is refused, naming each key that changed, since it
 * would silently continue another run's optimiser state on other data or another schedule.
 * {@code train.chunk_size} and {@code train.checkpoint_every} may change between runs.
 */
public final class RunIdentity {
  /** Values of keys added after checkpoints were first written, as those checkpoints ran. */
  private static final Map<String, String> UNRECORDED = Map.of("train.duplicate_mask", "true");

  private RunIdentity() {}

  /** The identity of a run, as config keys to values. */
  public static Map<String, String> of(TrainerConfig c, BatchSource batches, String extraKey,
      String extraValue) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("data (rows and first batch)", batches.size() + " rows, first batch "
        + firstBatch(batches));
    m.put("train.steps", Integer.toString(c.steps()));
    m.put("train.global_batch_size", Integer.toString(c.globalBatchSize()));
    m.put("train.learning_rate", Double.toString(c.learningRate()));
    m.put("train.warmup_steps", Integer.toString(c.warmupSteps()));
    m.put("train.final_learning_rate_fraction", Double.toString(c.finalLearningRateFraction()));
    m.put("train.weight_decay", Double.toString(c.weightDecay()));
    m.put("train.max_grad_norm", Double.toString(c.maxGradNorm()));
    m.put("train.temperature", Double.toString(c.temperature()));
    m.put("train.matryoshka_weights", c.matryoshkaWeights().toString());
    m.put("train.dropout", Boolean.toString(c.dropout()));
    m.put("train.seed", Long.toString(c.seed()));
    m.put("train.duplicate_mask", Boolean.toString(c.duplicateMask()));
    if (extraKey != null) {
      m.put(extraKey, extraValue);
    }
    return m;
  }

  private static String firstBatch(BatchSource batches) {
    StringBuilder ids = new StringBuilder();
    batches.batch(1).forEach(e -> ids.append(e.id()).append('\n'));
    return DigestUtils.sha256Hex(ids.toString().getBytes(StandardCharsets.UTF_8))
        .substring(0, 16);
  }

  /**
   * Fails if a checkpoint's recorded identity differs from this run's; a checkpoint without one
   * (written before identities were recorded) is accepted.
   */
  static void check(Path checkpoint, Map<String, String> recorded, Map<String, String> now) {
    if (recorded == null || now == null) {
      return;
    }
    List<String> changed = new ArrayList<>();
    Map<String, String> keys = new TreeMap<>(recorded);
    now.forEach(keys::putIfAbsent);
    for (String k : keys.keySet()) {
      String was = recorded.getOrDefault(k, UNRECORDED.get(k));
      String is = now.getOrDefault(k, UNRECORDED.get(k));
      if (was == null ? is != null : !was.equals(is)) {
        changed.add(k + ": " + was + " -> " + is);
      }
    }
    if (!changed.isEmpty()) {
      throw new InvalidInputException("the run directory's checkpoint " + checkpoint
          + " belongs to a run with other settings (" + String.join("; ", changed)
          + "); resuming would continue it on other data or another schedule. Restore those "
          + "settings, or choose a new run_dir");
    }
  }
}
