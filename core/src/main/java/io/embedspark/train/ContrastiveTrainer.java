package io.embedspark.train;

import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingExample;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.backprop.BackpropEngine;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.JsonFiles;
import io.embedspark.io.Provenance;
import io.embedspark.loss.ContrastiveBatch;
import io.embedspark.loss.GeminiNceLoss;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.ProcessMemory;
import io.embedspark.optim.AdamW;
import io.embedspark.optim.LearningRateSchedule;
import io.embedspark.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The one training loop, with the Gemini recipe's loss: it resumes from the newest checkpoint in
 * its run directory (so a resumed run is identical to an uninterrupted one), lets a {@link
 * TrainingStrategy} advance the model a round at a time (a global-batch gradient step on this
 * machine or across Spark executors, or a round of parameter averaging), stops with the rate and
 * batches when a round's loss or gradient norm is not finite, and writes a progress line and a
 * {@code metrics.jsonl} line per round and a checkpoint every {@code checkpointEvery} steps and
 * at the end.
 */
public final class ContrastiveTrainer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;
  private final TrainerConfig config;
  private final TaskPrompts prompts;
  private final Path runDir;
  private final DataType dtype;
  private final Consumer<String> progress;
  private final TrainingStrategy strategy;
  private Consumer<Path> checkpointWritten = dir -> { };

  /** Makes the step computation for a run, given the driver's encoder and the loss. */
  @FunctionalInterface
  public interface StepFactory {
    GradientStep create(TrainableEncoder encoder, MatryoshkaLoss loss, int chunkSize);
  }

  /** A trainer that computes every step on this machine. */
  public ContrastiveTrainer(TrainerConfig config, TaskPrompts prompts, Path runDir,
      DataType dtype, Consumer<String> progress) {
    this(config, prompts, runDir, dtype, progress, GradientCache::new, "train:single-machine");
  }

  /**
   * A trainer taking global-batch gradient steps.
   *
   * @param steps how each step's gradients are computed
   * @param origin recorded in checkpoints' provenance, e.g. {@code train:spark-global-batch}
   */
  public ContrastiveTrainer(TrainerConfig config, TaskPrompts prompts, Path runDir,
      DataType dtype, Consumer<String> progress, StepFactory steps, String origin) {
    this(config, prompts, runDir, dtype, progress, new GradientSteps(steps, origin));
  }

  /** A trainer advancing by {@code strategy}. */
  public ContrastiveTrainer(TrainerConfig config, TaskPrompts prompts, Path runDir,
      DataType dtype, Consumer<String> progress, TrainingStrategy strategy) {
    this.config = config;
    this.prompts = prompts;
    this.runDir = runDir;
    this.dtype = dtype;
    this.progress = progress;
    this.strategy = strategy;
  }

  /** Called with each checkpoint directory once it is in place, e.g. to copy it elsewhere. */
  public ContrastiveTrainer onCheckpoint(Consumer<Path> listener) {
    this.checkpointWritten = listener;
    return this;
  }

  /** The trained model and what every step of this invocation measured. */
  public record Result(CheckpointBundle model, List<StepMetrics> steps) {}

  /**
   * Trains from {@code start}, or from the newest checkpoint in the run directory if there is one.
   *
   * @param stopAfter stop (after checkpointing) once this step is done; {@code config.steps()}
   *     to run to the end. Lets tests interrupt a run.
   */
  public Result train(CheckpointBundle start, List<TrainingExample> data, long stopAfter) {
    return train(start, BatchSource.of(data, config.globalBatchSize(), config.seed()), stopAfter);
  }

  /**
   * Trains on the batches of {@code batches} (one dataset, or a mixture with task-homogeneous
   * batches, {@link MixtureSampler}).
   */
  public Result train(CheckpointBundle start, BatchSource batches, long stopAfter) {
    AdamW adam = optimizer(config);
    String[] extra = strategy.identity();
    Map<String, String> run = RunIdentity.of(config, batches, extra[0], extra[1]);
    TrainingCheckpoint.Start begin = TrainingCheckpoint.resume(runDir, start, adam, dtype,
        progress, run);
    CheckpointBundle model = begin.model();
    long done = begin.done();
    long firstDone = done;
    long end = Math.min(stopAfter, config.steps());
    TrainableEncoder encoder = BackpropEngine.MANUAL.create(model.config().model(), dtype,
        config.dropout());
    encoder.load(model.parameters());
    List<Integer> dims = model.config().model().matryoshkaDims();
    MetricsLog metrics = new MetricsLog(runDir);
    List<StepMetrics> measured = new ArrayList<>();
    double totalSeconds = 0;
    try (TextTokenizer tokenizer = model.tokenizer()) {
      strategy.start(new TrainingStrategy.Context(config, encoder, adam,
          new ContrastiveBatcher(tokenizer, prompts, config.duplicateMask()), batches,
          new LearningRateSchedule(config.learningRate(), config.warmupSteps(), config.steps(),
              config.finalLearningRateFraction()), progress));
      while (done < end) {
        long t0 = System.nanoTime();
        TrainingStrategy.Round r = strategy.advance(done, end);
        if (!r.finite()) {
          throw new TrainingDivergedException(r.divergence());
        }
        int k = (int) (r.lastStep() - done);
        done = r.lastStep();
        double seconds = (System.nanoTime() - t0) / 1e9;
        totalSeconds += seconds;
        StepMetrics m = new StepMetrics(done, r.loss(), r.lossPerDim(), r.learningRate(),
            r.gradNorm(), r.examples() / seconds, r.tokens() / seconds, seconds,
            ProcessMemory.residentMegabytes());
        progress.accept(m.progressLine(config.steps(), dims, totalSeconds / (done - firstDone)));
        metrics.append(m);
        measured.add(m);
        if (done % config.checkpointEvery() < k || done == config.steps() || done == end) {
          model = snapshot(start, encoder, done, batches.size());
          checkpointWritten.accept(TrainingCheckpoint.write(runDir, done, model, adam, run));
        }
      }
    }
    writeLossCurve(runDir, model);
    return new Result(model, measured);
  }

  private CheckpointBundle snapshot(CheckpointBundle start, TrainableEncoder encoder, long step,
      int examples) {
    Provenance p = Provenance.now(strategy.origin() + " step " + step,
        List.of(examples + " examples"), config.seed(), JsonFiles.MAPPER.valueToTree(config),
        null);
    return start.with(encoder.parameters(), p);
  }

  /**
   * A warning when no example of a batch has a negative (every other example shares its query
   * or positive, and none has hard negatives): its loss is exactly 0 and it teaches nothing.
   *
   * @param where names the batch in the warning, e.g. {@code step 12}
   */
  public static java.util.Optional<String> unlearnable(String where, ContrastiveTokens tokens,
      List<TrainingExample> batch) {
    if (ContrastiveBatch.examplesWithoutNegatives(tokens.queryKeys(), tokens.positiveKeys(),
        tokens.negativeCounts()) != batch.size()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(where + ": warning: no example of this batch has a negative "
        + "(every other example shares its query or positive, and none has hard negatives), so "
        + "its loss is 0 and it learns nothing; batch ids " + batch.stream().limit(5)
        .map(TrainingExample::id).collect(Collectors.joining(", "))
        + (batch.size() > 5 ? ", ..." : ""));
  }

  /** Draws {@code loss-curve.png} in the run directory from its whole metrics log. */
  public static void writeLossCurve(Path runDir, CheckpointBundle model) {
    LossCurve.write(new MetricsLog(runDir).read(), model.config().model().matryoshkaDims(),
        "training loss, " + runDir, runDir.resolve("loss-curve.png"));
  }

  /** The optimiser every trainer uses: AdamW with beta 0.9 / 0.999, eps 1e-8. */
  public static AdamW optimizer(TrainerConfig config) {
    return new AdamW(BETA1, BETA2, EPS, config.weightDecay());
  }

  /** The Gemini NCE loss summed over the model's Matryoshka dims with the configured weights. */
  public static MatryoshkaLoss loss(TrainerConfig config, io.embedspark.model.EncoderConfig model) {
    List<Integer> dims = model.matryoshkaDims();
    List<Double> weights = config.matryoshkaWeights().isEmpty()
        ? Collections.nCopies(dims.size(), 1.0) : config.matryoshkaWeights();
    return new MatryoshkaLoss(new GeminiNceLoss(config.temperature()), dims, weights);
  }

  /** The seed of the dropout masks of a batch (chunk c of it adds c). */
  public static long dropoutSeed(TrainerConfig config, long batchIndex) {
    return config.seed() * 1_000_003L + batchIndex * 10_007L;
  }
}
