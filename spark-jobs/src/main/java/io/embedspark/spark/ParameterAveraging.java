package io.embedspark.spark;

import io.embedspark.backprop.ManualBackprop;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.data.TrainingExample;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.TensorPack;
import io.embedspark.optim.AdamW;
import io.embedspark.optim.GradientClipping;
import io.embedspark.train.ContrastiveTrainer;
import io.embedspark.train.TrainerConfig;
import io.embedspark.train.TrainingStrategy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parameter averaging, the classic data-parallel mode (as DL4J's ParameterAveragingTrainingMaster),
 * as a strategy of the one training loop: each of {@code shards} Spark tasks takes {@code k}
 * local steps on its own batches (in-batch negatives from its own batch only), with AdamW on its
 * own copy of the parameters and optimiser state; then parameters and both AdamW moments are
 * averaged with {@code treeAggregate} and the next round starts from the average. {@code
 * train.steps} counts local steps; a round is k of them. Local step t of shard s uses batch (t -
 * 1) * shards + s + 1 of the batch source and the dropout seed of that batch, so one shard with
 * k = 1 takes exactly the single-machine trainer's steps. Kept for comparison with the
 * global-batch mode and for cheap networks: it cannot give a query the negatives of other
 * executors' batches.
 */
public final class ParameterAveraging implements TrainingStrategy {
  private final JavaSparkContext jsc;
  private final int shards;
  private final int localSteps;
  private final String run = UUID.randomUUID().toString();
  private Context c;
  private long version;

  public ParameterAveraging(JavaSparkContext jsc, int shards, int localSteps) {
    if (shards <= 0 || localSteps <= 0) {
      throw new io.embedspark.error.InvalidInputException("distributed.shards = " + shards
          + " and distributed.averaging_steps = " + localSteps + " must be positive");
    }
    this.jsc = jsc;
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

  @Override
  public void start(Context context) {
    this.c = context;
  }

  @Override
  public String origin() {
    return "train:parameter-averaging";
  }

  @Override
  public String[] identity() {
    return new String[] {"distributed.averaging_steps", Integer.toString(localSteps)};
  }

  @Override
  public Round advance(long done, long end) {
    int k = (int) Math.min(localSteps, end - done);
    List<ShardRound> rounds = new ArrayList<>();
    Map<Long, List<String>> firstIds = new TreeMap<>();
    long tokens = 0;
    for (int s = 0; s < shards; s++) {
      List<ContrastiveTokens> shardBatches = new ArrayList<>();
      long[] seeds = new long[k];
      double[] rates = new double[k];
      for (int j = 0; j < k; j++) {
        long step = done + j + 1;
        long batchIndex = (step - 1) * shards + s + 1;
        List<TrainingExample> examples = c.batches().batch(batchIndex);
        ContrastiveTokens t = c.batcher().tokens(examples);
        ContrastiveTrainer.unlearnable("step " + step + ", replica " + s, t, examples)
            .ifPresent(c.progress());
        firstIds.putIfAbsent(step, examples.stream().limit(5).map(TrainingExample::id)
            .toList());
        tokens += t.sequences().realTokens();
        shardBatches.add(t);
        seeds[j] = ContrastiveTrainer.dropoutSeed(c.config(), batchIndex);
        rates[j] = c.schedule().at(step);
      }
      rounds.add(new ShardRound(s, shardBatches, seeds, rates));
    }
    jsc.setJobDescription(String.format("embedspark train: local steps %d-%d on %d replicas",
        done + 1, done + k, shards));
    ShardResult sum = round(rounds, version++);
    double loss = sum.loss() / sum.count();
    List<Double> perDim = sum.lossPerDim().stream().map(x -> x / sum.count()).toList();
    Round r = new Round(done + 1, done + k, loss, perDim, sum.gradNorm() / sum.count(),
        c.schedule().at(done + k), (long) shards * k * c.config().globalBatchSize(), tokens, true,
        "first batch ids of those steps " + firstIds);
    if (r.finite()) {
      applyAverage(sum, done + k);
    }
    return r;
  }

  /** Runs the shards' local steps from the driver's state; returns the element-wise sums. */
  private ShardResult round(List<ShardRound> rounds, long version) {
    TrainableEncoder driver = c.encoder();
    DataType dtype = driver.dtype();
    Broadcast<ParameterSnapshot> params = jsc.broadcast(ParameterSnapshot.of(version, driver));
    Broadcast<OptimizerSnapshot> moments = jsc.broadcast(OptimizerSnapshot.of(c.optimizer(),
        driver.config(), dtype));
    try {
      Worker w = new Worker(run, driver.config(), dtype, c.config(), params, moments);
      return jsc.parallelize(rounds, rounds.size()).map(w::run)
          .treeAggregate(null, ParameterAveraging::add, ParameterAveraging::add);
    } finally {
      params.destroy();
      moments.destroy();
    }
  }

  private void applyAverage(ShardResult sum, long step) {
    for (String name : sum.params().names()) {
      c.encoder().array(name).assign(mean(sum.params(), name));
    }
    c.optimizer().restore(step, means(sum.first()), means(sum.second()));
  }

  private Map<String, INDArray> means(TensorPack sums) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : sums.names()) {
      out.put(name, mean(sums, name));
    }
    return out;
  }

  private INDArray mean(TensorPack sums, String name) {
    return sums.array(name).divi(shards).castTo(c.encoder().dtype());
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
