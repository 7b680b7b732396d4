package io.embedspark.jobs.train;

import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientCache;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.gradcache.TrainableEncoder;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.tokenize.TokenBatch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
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
    Broadcast<ParameterSnapshot> params = jsc.broadcast(ParameterSnapshot.of(version++, driver));
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
      MatryoshkaLoss.Result result = loss.compute(
          io.embedspark.gradcache.EmbeddingLayout.toBatch(batch, embeddings));
      double[][] grad = io.embedspark.gradcache.EmbeddingLayout.toRows(batch,
          result.total());
      long t3 = System.nanoTime();
      List<ShardGrad> withGrads = new ArrayList<>();
      for (Shard s : plan) {
        int first = s.fromChunk() * chunkSize;
        withGrads.add(new ShardGrad(s, java.util.Arrays.copyOfRange(grad, first,
            first + s.rows().size())));
      }
      jsc.setJobDescription("embedspark train step " + stepNumber + ": backward pass, "
          + plan.size() + " shards");
      Map<String, double[]> sum = jsc.parallelize(withGrads, withGrads.size())
          .map(g -> ctx.backward(g))
          .treeAggregate(new HashMap<>(), SparkGradientStep::add, SparkGradientStep::add);
      long t4 = System.nanoTime();
      Map<String, INDArray> gradients = new HashMap<>();
      for (Map.Entry<String, double[]> e : sum.entrySet()) {
        gradients.put(e.getKey(), Nd4j.create(e.getValue(), driver.array(e.getKey()).shape(),
            'c').castTo(driver.dtype()));
      }
      long t5 = System.nanoTime();
      last = new Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9,
          (t5 - t4) / 1e9);
      return new Step(result, gradients);
    } finally {
      jsc.setJobDescription(null);
      params.destroy();
    }
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

  /** Sums gradient maps element-wise into the first. */
  static Map<String, double[]> add(Map<String, double[]> a, Map<String, double[]> b) {
    for (Map.Entry<String, double[]> e : b.entrySet()) {
      double[] s = a.get(e.getKey());
      if (s == null) {
        a.put(e.getKey(), e.getValue().clone());
      } else {
        double[] v = e.getValue();
        for (int i = 0; i < s.length; i++) {
          s[i] += v[i];
        }
      }
    }
    return a;
  }

  /** What a task needs, shipped with it; the shard runs with the task thread's replica. */
  record Context(String run, EncoderConfig config, DataType dtype, boolean dropout,
      int chunkSize, long seed, Broadcast<ParameterSnapshot> params) implements Serializable {
    private static final long serialVersionUID = 1L;

    private TrainableEncoder encoder() {
      return ExecutorEncoders.get(run, config, dtype, dropout, params);
    }

    /** Pass 1: the shard's embeddings; its chunks keep their global dropout seeds. */
    double[][] embed(Shard s) {
      return GradientCache.embedChunks(encoder(), s.rows(), chunkSize, 0,
          s.toChunk() - s.fromChunk(), seed + s.fromChunk());
    }

    /** Pass 2: the shard's parameter gradients. */
    Map<String, double[]> backward(ShardGrad g) {
      Shard s = g.shard();
      Map<String, INDArray> sum = new HashMap<>();
      GradientCache.accumulateChunks(encoder(), s.rows(), g.grad(), chunkSize, 0,
          s.toChunk() - s.fromChunk(), seed + s.fromChunk(), sum);
      Map<String, double[]> out = new HashMap<>();
      for (Map.Entry<String, INDArray> e : sum.entrySet()) {
        out.put(e.getKey(), e.getValue().castTo(DataType.DOUBLE).dup('c').data().asDouble());
      }
      return out;
    }
  }
}
