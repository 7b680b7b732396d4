package io.embedspark.spark;

import io.embedspark.model.EncoderFlops;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.EmbeddingLayout;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.backprop.ManualBackprop;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ParameterNames;
import io.embedspark.model.RowIndex;
import io.embedspark.model.TensorPack;
import io.embedspark.tokenize.TokenBatch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One contrastive batch across executors, with the gradient cache (Gao et al. 2021, arXiv
 * 2101.06983) as Gemini Embedding's large-batch pre-finetune needs: the batch's length-sorted
 * chunks ({@link GradientCache#chunks}) are dealt to Spark tasks by cost. Executors embed their
 * chunks without gradients with the broadcast parameters; the driver gathers the embeddings,
 * computes the Matryoshka NCE loss and dL/dE once over the whole batch (every query sees every
 * other row as an in-batch negative); executors back-propagate their rows of dL/dE chunk by chunk;
 * the parameter gradients are summed with {@code treeReduce}. Chunk c uses dropout seed
 * {@code seed + c} on whichever executor runs it, so the step equals {@link GradientCache} on one
 * machine. The loss is already global, so the summed gradients are not divided by the number of
 * executors.
 *
 * <p>What crosses the network per step follows the batch, not the vocabulary: the parameters go
 * out as one {@link TensorPack} in the training precision with the word-embedding table cut to
 * the rows the batch touches (executors see the batch's ids as positions among those rows), and
 * gradients come back the same way; only the driver holds the whole table and its gradient.
 */
public final class SparkGradientStep implements GradientStep {
  private final JavaSparkContext jsc;
  private final TrainableEncoder driver;
  private final MatryoshkaLoss loss;
  private final int chunkSize;
  private final int shards;
  private final boolean dropout;
  private final String run = UUID.randomUUID().toString();
  private long version;
  private long stepNumber;
  private Timings last;
  /** The word table's gradient, table-sized, reused from step to step. */
  private INDArray denseTable;
  /** The summed whole-tensor gradients, by name, overwritten every step. */
  private final Map<String, INDArray> summed = new HashMap<>();

  /**
   * Where the last step's wall time went, in seconds: broadcasting the parameters, the embed pass
   * (tasks and gathering), the loss and dL/dE on the driver, the backward pass with the
   * treeReduce of gradients, and turning the sum into arrays; and how many rows of the
   * word-embedding table travelled.
   */
  public record Timings(double broadcast, double embed, double loss, double backward,
      double assemble, int tableRows) {
    public double total() {
      return broadcast + embed + loss + backward + assemble;
    }
  }

  /** The timings of the last step, or null before the first. */
  public Timings lastTimings() {
    return last;
  }

  /**
   * @param driver the driver's encoder: its parameters are broadcast at every step
   * @param shards Spark tasks per pass (at most one per chunk)
   */
  public SparkGradientStep(JavaSparkContext jsc, TrainableEncoder driver, MatryoshkaLoss loss,
      int chunkSize, int shards, boolean dropout) {
    this.jsc = jsc;
    this.driver = driver;
    this.loss = loss;
    this.chunkSize = chunkSize;
    this.shards = shards;
    this.dropout = dropout;
  }

  /**
   * The chunks one task runs: their indices in the batch's chunk list (which fix their dropout
   * seeds) and their sequences, in the order of the embed pass.
   */
  record Shard(int[] chunkIds, TokenBatch[] chunks) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A shard with its chunks' rows of dL/dE, for the second pass. */
  record ShardGrad(Shard shard, double[][][] grad) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  @Override
  public void beginStep(long step) {
    stepNumber = step;
  }

  @Override
  public Step step(ContrastiveTokens batch, long seed) {
    TokenBatch all = batch.sequences();
    List<int[]> chunks = GradientCache.chunks(all, chunkSize);
    List<Shard> plan = plan(all, chunks);
    long t0 = System.nanoTime();
    int[] tableRows = tableRows(all);
    Broadcast<ParameterSnapshot> params = jsc.broadcast(
        ParameterSnapshot.of(version++, driver, tableRows));
    try {
      long t1 = System.nanoTime();
      Context ctx = new Context(run, driver.config(), driver.dtype(), dropout, chunkSize, seed,
          params);
      jsc.setJobDescription("embedspark train step " + stepNumber + ": embed pass, "
          + plan.size() + " shards");
      List<double[][][]> parts = jsc.parallelize(plan, plan.size())
          .map(s -> ctx.embed(s)).collect();
      double[][] embeddings = new double[all.size()][];
      for (int s = 0; s < plan.size(); s++) {
        int[] ids = plan.get(s).chunkIds();
        for (int i = 0; i < ids.length; i++) {
          GradientCache.scatterRows(parts.get(s)[i], chunks.get(ids[i]), embeddings);
        }
      }
      long t2 = System.nanoTime();
      MatryoshkaLoss.Result result = loss.compute(EmbeddingLayout.toBatch(batch, embeddings));
      double[][] grad = EmbeddingLayout.toRows(batch, result.total());
      long t3 = System.nanoTime();
      List<ShardGrad> withGrads = new ArrayList<>();
      for (Shard s : plan) {
        double[][][] g = new double[s.chunkIds().length][][];
        for (int i = 0; i < g.length; i++) {
          g[i] = GradientCache.gatherRows(grad, chunks.get(s.chunkIds()[i]));
        }
        withGrads.add(new ShardGrad(s, g));
      }
      jsc.setJobDescription("embedspark train step " + stepNumber + ": backward pass, "
          + plan.size() + " shards");
      TensorPack sum = jsc.parallelize(withGrads, withGrads.size())
          .map(g -> ctx.backward(g))
          .treeReduce(TensorPack::addInPlace);
      long t4 = System.nanoTime();
      Map<String, INDArray> gradients = gradients(sum);
      long t5 = System.nanoTime();
      last = new Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9,
          (t5 - t4) / 1e9, tableRows.length);
      return new Step(result, gradients);
    } finally {
      jsc.setJobDescription(null);
      params.destroy();
    }
  }

  /** The word-table rows the batch touches, with row 0 (what a shard's padding holds). */
  static int[] tableRows(TokenBatch all) {
    int[] ids = Arrays.copyOf(all.ids(), all.ids().length + 1);
    return RowIndex.distinct(ids); // the extra element is 0
  }

  /**
   * The summed gradients as the driver's arrays, each kept from step to step and overwritten:
   * whole tensors as they are, the word table's rows written into a zeroed table-sized array.
   * Fresh arrays every step would hold their native memory until the collector reached them.
   */
  private Map<String, INDArray> gradients(TensorPack sum) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : sum.names()) {
      if (sum.rowIds(name) == null) {
        INDArray kept = summed.get(name);
        if (kept == null) {
          kept = sum.array(name);
          summed.put(name, kept);
        } else {
          sum.copyInto(name, kept);
        }
        out.put(name, kept);
        continue;
      }
      if (denseTable == null) {
        denseTable = Nd4j.create(driver.dtype(), driver.array(name).shape());
      } else {
        denseTable.assign(0);
      }
      sum.copyInto(name, denseTable);
      out.put(name, denseTable);
    }
    return out;
  }

  /**
   * The chunks dealt to at most {@code shards} tasks so their costs (the forward FLOPs of each
   * chunk at its padded length) are as even as the greedy longest-first rule makes them: sorted
   * by length, the passages' chunks cost several times the queries', so consecutive ranges would
   * leave executors idle. Each task runs its chunks in index order.
   */
  List<Shard> plan(TokenBatch all, List<int[]> chunks) {
    int n = Math.max(1, Math.min(shards, chunks.size()));
    double[] cost = new double[chunks.size()];
    for (int c = 0; c < cost.length; c++) {
      int width = 1;
      for (int row : chunks.get(c)) {
        width = Math.max(width, all.lengths()[row]);
      }
      cost[c] = EncoderFlops.forward(driver.config(), chunks.get(c).length, width);
    }
    int[] order = java.util.stream.IntStream.range(0, cost.length).boxed()
        .sorted(java.util.Comparator.<Integer>comparingDouble(c -> -cost[c])
            .thenComparingInt(c -> c))
        .mapToInt(Integer::intValue).toArray();
    double[] load = new double[n];
    List<List<Integer>> dealt = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      dealt.add(new ArrayList<>());
    }
    for (int c : order) {
      int least = 0;
      for (int s = 1; s < n; s++) {
        if (load[s] < load[least]) {
          least = s;
        }
      }
      load[least] += cost[c];
      dealt.get(least).add(c);
    }
    List<Shard> plan = new ArrayList<>();
    for (List<Integer> ids : dealt) {
      int[] sorted = ids.stream().mapToInt(Integer::intValue).sorted().toArray();
      TokenBatch[] rows = new TokenBatch[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        rows[i] = all.select(chunks.get(sorted[i]));
      }
      plan.add(new Shard(sorted, rows));
    }
    return plan;
  }

  /** What a task needs, shipped with it; the shard runs with the task thread's replica. */
  record Context(String run, EncoderConfig config, DataType dtype, boolean dropout,
      int chunkSize, long seed, Broadcast<ParameterSnapshot> params) implements Serializable {
    private static final long serialVersionUID = 1L;

    private <T> T withEncoder(TokenBatch chunk, long chunkSeed,
        java.util.function.Function<ManualBackprop, T> work) {
      return ExecutorEncoders.withReplica(run, config, dtype, dropout, params, chunk, chunkSeed,
          work);
    }

    /** A chunk with token ids mapped to positions among the broadcast table rows. */
    private TokenBatch local(TokenBatch rows) {
      return new TokenBatch(rows.size(), rows.width(),
          RowIndex.positions(params.value().tableRows(), rows.ids()), rows.lengths(),
          rows.truncated());
    }

    /** Pass 1: the shard's chunks' embeddings; each chunk keeps its global dropout seed. */
    double[][][] embed(Shard s) {
      return withEncoder(null, 0, encoder -> {
        double[][][] out = new double[s.chunks().length][][];
        for (int i = 0; i < out.length; i++) {
          out[i] = GradientCache.embedChunk(encoder, local(s.chunks()[i]),
              seed + s.chunkIds()[i]);
        }
        return out;
      });
    }

    /**
     * Pass 2: the shard's parameter gradients, the word table's cut to the broadcast rows. The
     * chunks run last first, so the replica may still hold the last one's activations.
     */
    TensorPack backward(ShardGrad g) {
      Shard s = g.shard();
      int last = s.chunks().length - 1;
      Map<String, INDArray> sum = new HashMap<>();
      withEncoder(local(s.chunks()[last]), seed + s.chunkIds()[last], encoder -> {
        for (int i = last; i >= 0; i--) {
          GradientCache.accumulateChunk(encoder, local(s.chunks()[i]), g.grad()[i],
              seed + s.chunkIds()[i], sum);
        }
        return sum;
      });
      TensorPack.Builder b = TensorPack.builder(dtype);
      int[] tableRows = params.value().tableRows();
      for (String name : ParameterSnapshot.graphNames(config)) {
        b.add(name, sum.get(name),
            name.equals(ParameterNames.WORD_EMBEDDINGS) ? tableRows : null);
      }
      TensorPack pack = b.build();
      sum.values().forEach(INDArray::close);
      return pack;
    }
  }
}
