package io.embedspark.jobs.eval;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.train.ModelSoup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * The greedy soup (Wortsman et al. 2022, arXiv 2203.05482, "Model soups") of training runs'
 * checkpoints that were evaluated on dev tasks during training ({@link CheckpointEvaluation}):
 * the candidates are ranked by their logged dev metric, and each trial soup is scored on the dev
 * suite again ({@link DevScorer}).
 */
public final class GreedySoup {
  /** The name prefix of the scratch directory of trial soups. */
  public static final String SCRATCH_PREFIX = ".embedspark-soup-";

  private GreedySoup() {}

  /**
   * @param runs training run directories with an {@code eval.jsonl}
   * @param metric the report key to maximise; null for the one the runs ranked checkpoints by
   * @param scratchParent where the trial soups' scratch directory is created (and deleted
   *     again); null for the system's temporary directory
   * @param progress receives a line per skipped checkpoint and per trial
   */
  public static ModelSoup.Greedy fromRuns(SparkSession spark, List<Path> runs, EvalConfig dev,
      String metric, Path scratchParent, Consumer<String> progress) {
    List<ModelSoup.Candidate> candidates = new ArrayList<>();
    String key = metric;
    for (Path run : runs) {
      List<CheckpointEvaluation.Entry> entries = CheckpointEvaluation.read(run);
      if (entries.isEmpty()) {
        throw new InvalidInputException(run + " has no " + CheckpointEvaluation.LOG
            + "; train with eval.config set so every checkpoint is evaluated on dev tasks");
      }
      for (CheckpointEvaluation.Entry e : entries) {
        if (e.checkpoint().equals(CheckpointEvaluation.START)) {
          continue; // the model training started from is a reference, not an ingredient
        }
        key = key == null ? e.metric() : key;
        Double score = e.metrics().get(key);
        if (score == null) {
          throw new InvalidInputException(run + "/" + e.checkpoint() + ": metric '" + key
              + "' was not evaluated");
        }
        Path model = run.resolve(e.checkpoint()).resolve("model");
        if (!Files.isDirectory(model)) {
          progress.accept("skipping " + run.resolve(e.checkpoint()) + ": no longer on disk");
          continue;
        }
        candidates.add(new ModelSoup.Candidate(run.resolve(e.checkpoint()).toString(),
            CheckpointBundle.read(model), score));
      }
    }
    Path scratch;
    try {
      // Created here, so deleting it afterwards removes only what this call made.
      scratch = scratchParent == null ? Files.createTempDirectory(SCRATCH_PREFIX)
          : Files.createTempDirectory(scratchParent, SCRATCH_PREFIX);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch directory for the soup", e);
    }
    try {
      ModelSoup.Greedy greedy = ModelSoup.greedy(candidates, new DevScorer(spark, dev, key,
          scratch, progress));
      greedy.log().forEach(progress);
      progress.accept(String.format(java.util.Locale.ROOT,
          "greedy soup of %d of %d checkpoints: %s = %.4f", greedy.ingredients().size(),
          candidates.size(), key, greedy.score()));
      return greedy;
    } finally {
      try {
        AtomicDirectory.deleteRecursively(scratch);
      } catch (IOException e) {
        progress.accept("could not remove the soup's scratch directory " + scratch + ": " + e);
      }
    }
  }
}
