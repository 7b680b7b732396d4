package io.embedspark.jobs.train;

import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingExample;
import io.embedspark.backprop.BackpropEngine;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.backprop.ManualBackprop;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.JsonFiles;
import io.embedspark.io.Provenance;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.TensorPack;
import io.embedspark.optim.AdamW;
import io.embedspark.optim.GradientClipping;
import io.embedspark.optim.LearningRateSchedule;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.train.BatchSource;
import io.embedspark.train.RunIdentity;
import io.embedspark.train.ContrastiveBatcher;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.train.MetricsLog;
import io.embedspark.train.StepMetrics;
import io.embedspark.train.TrainerConfig;
import io.embedspark.train.TrainingCheckpoint;
import io.embedspark.train.TrainingDivergedException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parameter averaging, the classic data-parallel mode (as DL4J's ParameterAveragingTrainingMaster):
 * each of {@code shards} Spark tasks takes {@code k} local steps on its own batches (in-batch
 * negatives from its own batch only), with AdamW on its own copy of the parameters and optimiser
 * state; then parameters and both AdamW moments are averaged with {@code treeAggregate} and the
 * next round starts from the average. {@code train.steps} counts local steps; a round is k of
 * them. Local step t of shard s uses batch (t - 1) * shards + s + 1 of the batch source and the
 * dropout seed of that batch, so one shard with k = 1 takes exactly the single-machine trainer's
 * steps. Kept for comparison with the global-batch mode and for cheap networks: it cannot give a
 * query the negatives of other executors' batches.
 */
public final class ParameterAveragingTrainer {
  private final JavaSparkContext jsc;
  private final TrainerConfig config;
  private final TaskPrompts prompts;
  private final Path runDir;
  private final DataType dtype;
  private final Consumer<String> progress;
  private final int shards;
  private final int localSteps;
  private final String run = UUID.randomUUID().toString();
  private Consumer<Path> checkpointWritten = dir -> { };

  /** Called with each checkpoint directory once it is in place. */
  public ParameterAveragingTrainer onCheckpoint(Consumer<Path> listener) {
    this.checkpointWritten = listener;
    return this;
  }

  public ParameterAveragingTrainer(JavaSparkContext jsc, TrainerConfig config, TaskPrompts prompts,
      Path runDir, DataType dtype, Consumer<String> progress, int shards, int localSteps) {
    if (shards <= 0 || localSteps <= 0) {
      throw new io.embedspark.error.InvalidInputException("distributed.shards = " + shards
          + " and distributed.averaging_steps = " + localSteps + " must be positive");
    }
    this.jsc = jsc;
    this.config = config;
    this.prompts = prompts;
    this.runDir = runDir;
    this.dtype = dtype;
    this.progress = progress;
    this.shards = shards;
    this.localSteps = localSteps;
  }

  /** One shard's work in a round: its batches, their dropout seeds and learning rates. */
  record ShardRound(int shard, List<ContrastiveTokens> batches, long[] seeds, double[] rates)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A shard's parameters and moments after its local steps, its last loss and gradient norm. */
  record ShardResult(TensorPack params, TensorPack first, TensorPack second, double loss,
      List<Double> lossPerDim, double gradNorm, int count)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Trains from {@code start} or the newest checkpoint of the run directory, stopping after the
   * round that reaches {@code stopAfter} local steps.
   */
  public ContrastiveTrainer.Result train(CheckpointBundle start, BatchSource batches,
      long stopAfter) {
    AdamW adam = ContrastiveTrainer.optimizer(config);
    java.util.Map<String, String> run = RunIdentity.of(config, batches,
        "distributed.averaging_steps", Integer.toString(localSteps));
    TrainingCheckpoint.Start begin = TrainingCheckpoint.resume(runDir, start, adam, dtype,
        progress, run);
    CheckpointBundle model = begin.model();
    long done = begin.done();
    MetricsLog metrics = new MetricsLog(runDir);
    TrainableEncoder driver = BackpropEngine.MANUAL.create(model.config().model(), dtype,
        config.dropout());
    driver.load(model.parameters());
    LearningRateSchedule schedule = new LearningRateSchedule(config.learningRate(),
        config.warmupSteps(), config.steps(), config.finalLearningRateFraction());
    List<StepMetrics> measured = new ArrayList<>();
    long version = 0;
    double totalSeconds = 0;
    long end = Math.min(stopAfter, config.steps());
    long firstDone = done;
    try (TextTokenizer tokenizer = model.tokenizer()) {
      ContrastiveBatcher batcher = new ContrastiveBatcher(tokenizer, prompts);
      while (done < end) {
        long t0 = System.nanoTime();
        int k = (int) Math.min(localSteps, end - done);
        List<ShardRound> rounds = new ArrayList<>();
        java.util.Map<Long, List<String>> firstIds = new java.util.TreeMap<>();
        long tokens = 0;
        for (int s = 0; s < shards; s++) {
          List<ContrastiveTokens> shardBatches = new ArrayList<>();
          long[] seeds = new long[k];
          double[] rates = new double[k];
          for (int j = 0; j < k; j++) {
            long step = done + j + 1;
            long batchIndex = (step - 1) * shards + s + 1;
            List<TrainingExample> examples = batches.batch(batchIndex);
            ContrastiveTokens t = batcher.tokens(examples);
            ContrastiveTrainer.unlearnable("step " + step + ", replica " + s, t, examples)
                .ifPresent(progress);
            firstIds.putIfAbsent(step, examples.stream().limit(5).map(TrainingExample::id)
                .toList());
            tokens += t.sequences().realTokens();
            shardBatches.add(t);
            seeds[j] = ContrastiveTrainer.dropoutSeed(config, batchIndex);
            rates[j] = schedule.at(step);
          }
          rounds.add(new ShardRound(s, shardBatches, seeds, rates));
        }
        jsc.setJobDescription(String.format("embedspark train: local steps %d-%d on %d replicas",
            done + 1, done + k, shards));
        ShardResult sum = round(driver, adam, rounds, version++);
        applyAverage(driver, adam, sum, done + k);
        done += k;
        double seconds = (System.nanoTime() - t0) / 1e9;
        totalSeconds += seconds;
        double loss = sum.loss() / sum.count();
        List<Double> perDim = sum.lossPerDim().stream().map(x -> x / sum.count()).toList();
        if (!Double.isFinite(loss)) {
          throw new TrainingDivergedException(String.format(java.util.Locale.ROOT,
              "step %d: average loss %s over local steps %d-%d at learning rate %.3e; first "
                  + "batch ids of those steps %s", done, loss, done - k + 1, done,
              schedule.at(done), firstIds));
        }
        firstIds.clear();
        StepMetrics m = new StepMetrics(done, loss, perDim, schedule.at(done),
            sum.gradNorm() / sum.count(),
            (double) shards * k * config.globalBatchSize() / seconds, tokens / seconds, seconds);
        progress.accept(m.progressLine(config.steps(), model.config().model().matryoshkaDims(),
            totalSeconds / (done - firstDone)));
        metrics.append(m);
        measured.add(m);
        if (done % config.checkpointEvery() < k || done == config.steps() || done == end) {
          model = snapshot(start, driver, done, batches.size());
          checkpointWritten.accept(TrainingCheckpoint.write(runDir, done, model, adam, run));
        }
      }
    }
    ContrastiveTrainer.writeLossCurve(runDir, model);
    return new ContrastiveTrainer.Result(model, measured);
  }

  private CheckpointBundle snapshot(CheckpointBundle start, TrainableEncoder driver, long step,
      int examples) {
    Provenance p = Provenance.now("train:parameter-averaging step " + step,
        List.of(examples + " examples"), config.seed(), JsonFiles.MAPPER.valueToTree(config),
        null);
    return start.with(driver.parameters(), p);
  }

  /** Runs the shards' local steps from the driver's state; returns the element-wise sums. */
  private ShardResult round(TrainableEncoder driver, AdamW adam, List<ShardRound> rounds,
      long version) {
    Broadcast<ParameterSnapshot> params = jsc.broadcast(ParameterSnapshot.of(version, driver));
    Broadcast<OptimizerSnapshot> moments = jsc.broadcast(OptimizerSnapshot.of(adam,
        driver.config(), dtype));
    try {
      Worker w = new Worker(run, driver.config(), dtype, config, params, moments);
      return jsc.parallelize(rounds, rounds.size()).map(w::run)
          .treeAggregate(null, ParameterAveragingTrainer::add, ParameterAveragingTrainer::add);
    } finally {
      params.destroy();
      moments.destroy();
    }
  }

  private void applyAverage(TrainableEncoder driver, AdamW adam, ShardResult sum, long step) {
    for (String name : sum.params().names()) {
      driver.array(name).assign(mean(sum.params(), name));
    }
    adam.restore(step, means(sum.first()), means(sum.second()));
  }

  private Map<String, INDArray> means(TensorPack sums) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : sums.names()) {
      out.put(name, mean(sums, name));
    }
    return out;
  }

  private INDArray mean(TensorPack sums, String name) {
    return sums.array(name).divi(shards).castTo(dtype);
  }

  static ShardResult add(ShardResult a, ShardResult b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    List<Double> dims = new ArrayList<>();
    for (int i = 0; i < a.lossPerDim().size(); i++) {
      dims.add(a.lossPerDim().get(i) + b.lossPerDim().get(i));
    }
    return new ShardResult(a.params().addInPlace(b.params()),
        a.first().addInPlace(b.first()), a.second().addInPlace(b.second()),
        a.loss() + b.loss(), dims, a.gradNorm() + b.gradNorm(), a.count() + b.count());
  }

  /** Moments by parameter, in graph order, as one pack. */
  static TensorPack pack(Map<String, INDArray> moments, EncoderConfig model, DataType dtype) {
    TensorPack.Builder b = TensorPack.builder(dtype);
    for (String name : ParameterSnapshot.graphNames(model)) {
      if (moments.containsKey(name)) {
        b.add(name, moments.get(name));
      }
    }
    return b.build();
  }

  /** AdamW's step and moments, for a broadcast. */
  record OptimizerSnapshot(long step, TensorPack first, TensorPack second)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    static OptimizerSnapshot of(AdamW adam, EncoderConfig model, DataType dtype) {
      return new OptimizerSnapshot(adam.step(), pack(adam.firstMoments(), model, dtype),
          pack(adam.secondMoments(), model, dtype));
    }

    AdamW restoreInto(AdamW adam) {
      adam.restore(step, first.arrays(), second.arrays());
      return adam;
    }
  }

  /** A round's local steps on an executor thread's replica. */
  record Worker(String run, EncoderConfig model, DataType dtype, TrainerConfig config,
      Broadcast<ParameterSnapshot> params, Broadcast<OptimizerSnapshot> moments)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    ShardResult run(ShardRound r) {
      return ExecutorEncoders.withReplica(run, model, dtype, config.dropout(), params, null, 0,
          encoder -> localSteps(r, encoder));
    }

    private ShardResult localSteps(ShardRound r, ManualBackprop encoder) {
      params.value().loadInto(encoder); // an earlier shard's local steps moved them
      AdamW adam = moments.value().restoreInto(ContrastiveTrainer.optimizer(config));
      GradientCache cache = new GradientCache(encoder, ContrastiveTrainer.loss(config, model),
          config.chunkSize());
      double loss = 0;
      double norm = 0;
      List<Double> perDim = null;
      for (int j = 0; j < r.batches().size(); j++) {
        GradientStep.Step s = cache.step(r.batches().get(j), r.seeds()[j]);
        norm = GradientClipping.clip(s.gradients(), config.maxGradNorm());
        adam.update(encoder::array, s.gradients(), r.rates()[j]);
        loss = s.loss().total().loss();
        perDim = s.loss().perDim();
      }
      TensorPack.Builder p = TensorPack.builder(dtype);
      for (String name : ParameterSnapshot.graphNames(model)) {
        p.add(name, encoder.array(name));
      }
      return new ShardResult(p.build(), pack(adam.firstMoments(), model, dtype),
          pack(adam.secondMoments(), model, dtype), loss, perDim, norm, 1);
    }
  }
}
