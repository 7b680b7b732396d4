package io.embedspark.jobs.train;

import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.EmbeddingLayout;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.gradcache.ManualBackprop;
import io.embedspark.gradcache.TrainableEncoder;
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
 * 2101.06983) as Gemini Embedding's large-batch pre-finetune needs: the batch's chunks are split
 * into contiguous shards, one Spark task each. Executors embed their shards without gradients
 * with the broadcast parameters; the driver gathers the embeddings, computes the Matryoshka NCE
 * loss and dL/dE once over the whole batch (every query sees every other row as an in-batch
 * negative); executors back-propagate their rows of dL/dE chunk by chunk; the parameter
 * gradients are summed with {@code treeAggregate}. Chunk c uses dropout seed {@code seed + c} on
 * whichever executor runs it, so the step equals {@link GradientCache} on one machine. The loss is
 * already global, so the summed gradients are not divided by the number of executors.
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

  /**
   * Where the last step's wall time went, in seconds: broadcasting the parameters, the embed pass
   * (tasks and gathering), the loss and dL/dE on the driver, the backward pass with the
   * treeAggregate of gradients, and turning the sum into arrays.
   */
  public record Timings(double broadcast, double embed, double loss, double backward,
      double assemble) {
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

  /** A contiguous range of chunks and the rows they cover. */
  record Shard(int fromChunk, int toChunk, TokenBatch rows) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A shard with its rows' embedding gradients, for the second pass. */
  record ShardGrad(Shard shard, double[][] grad) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  @Override
  public void beginStep(long step) {
    stepNumber = step;
  }

  @Override
  public Step step(ContrastiveTokens batch, long seed) {
    TokenBatch all = batch.sequences();
    List<Shard> plan = plan(all);
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
      List<double[][]> parts = jsc.parallelize(plan, plan.size())
          .map(s -> ctx.embed(s)).collect();
      double[][] embeddings = new double[all.size()][];
      int row = 0;
      for (double[][] part : parts) {
        for (double[] e : part) {
          embeddings[row++] = e;
        }
      }
      long t2 = System.nanoTime();
      MatryoshkaLoss.Result result = loss.compute(EmbeddingLayout.toBatch(batch, embeddings));
      double[][] grad = EmbeddingLayout.toRows(batch, result.total());
      long t3 = System.nanoTime();
      List<ShardGrad> withGrads = new ArrayList<>();
      for (Shard s : plan) {
        int first = s.fromChunk() * chunkSize;
        withGrads.add(new ShardGrad(s, Arrays.copyOfRange(grad, first,
            first + s.rows().size())));
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
          (t5 - t4) / 1e9);
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
   * The summed gradients as the driver's arrays: whole tensors as they are, the word table's
   * rows written into a zeroed table-sized array kept from step to step.
   */
  private Map<String, INDArray> gradients(TensorPack sum) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : sum.names()) {
      int[] rows = sum.rowIds(name);
      if (rows == null) {
        out.put(name, sum.array(name));
        continue;
      }
      if (denseTable == null) {
        denseTable = Nd4j.create(driver.dtype(), driver.array(name).shape());
      } else {
        denseTable.assign(0);
      }
      INDArray held = sum.array(name);
      RowIndex.scatterAdd(denseTable, rows, held);
      held.close();
      out.put(name, denseTable);
    }
    return out;
  }

  /** Contiguous shards of whole chunks, as even as the chunk count allows. */
  List<Shard> plan(TokenBatch all) {
    int chunks = GradientCache.chunkCount(all.size(), chunkSize);
    int n = Math.max(1, Math.min(shards, chunks));
    List<Shard> plan = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int from = (int) ((long) chunks * i / n);
      int to = (int) ((long) chunks * (i + 1) / n);
      plan.add(new Shard(from, to, all.slice(from * chunkSize,
          Math.min(all.size(), to * chunkSize))));
    }
    return plan;
  }

  /** What a task needs, shipped with it; the shard runs with the task thread's replica. */
  record Context(String run, EncoderConfig config, DataType dtype, boolean dropout,
      int chunkSize, long seed, Broadcast<ParameterSnapshot> params) implements Serializable {
    private static final long serialVersionUID = 1L;

    private ManualBackprop encoder() {
      return ExecutorEncoders.get(run, config, dtype, dropout, params);
    }

    /** The shard's rows with token ids mapped to positions among the broadcast table rows. */
    private TokenBatch local(Shard s) {
      TokenBatch rows = s.rows();
      return new TokenBatch(rows.size(), rows.width(),
          RowIndex.positions(params.value().tableRows(), rows.ids()), rows.lengths(),
          rows.truncated());
    }

    /** Pass 1: the shard's embeddings; its chunks keep their global dropout seeds. */
    double[][] embed(Shard s) {
      return GradientCache.embedChunks(encoder(), local(s), chunkSize, 0,
          s.toChunk() - s.fromChunk(), seed + s.fromChunk());
    }

    /** Pass 2: the shard's parameter gradients, the word table's cut to the broadcast rows. */
    TensorPack backward(ShardGrad g) {
      Shard s = g.shard();
      Map<String, INDArray> sum = new HashMap<>();
      GradientCache.accumulateChunks(encoder(), local(s), g.grad(), chunkSize, 0,
          s.toChunk() - s.fromChunk(), seed + s.fromChunk(), sum);
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
