package io.embedspark.gradcache;

import io.embedspark.backprop.TrainingGraph;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.backprop.ManualBackprop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.loss.GeminiNceLoss;
import io.embedspark.loss.MatryoshkaLoss;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenBatch;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The gradient cache against the same loss computed in one SameDiff graph over the whole batch,
 * in double precision: equal parameter gradients for every chunk size, with a negative control;
 * for both encoders, the hand-derived backward pass ({@link ManualBackprop}) and SameDiff's
 * ({@link TrainingGraph}).
 */
class GradientCacheTest {
  static final EncoderConfig CONFIG =
      new EncoderConfig(50, 16, 2, 2, 32, 16, 2, 1e-12, 0.1, 0.1, 8, List.of(4, 8));
  private static final double TEMPERATURE = 0.1;
  private static final List<Double> WEIGHTS = List.of(1.0, 0.5);
  static final ModelParameters PARAMS = scaled(ModelParameters.initialise(CONFIG, 5));
  private static ContrastiveTokens batch;
  private static OneGraphReference.Result reference;

  @BeforeAll
  static void setUp() {
    batch = randomBatch(new int[] {0, 1, 2, 0, 1, 0}, new long[] {0, 1, 0, 2, 3, 4},
        new long[] {10, 11, 12, 11, 13, 14});
    reference = OneGraphReference.compute(CONFIG, PARAMS, batch, TEMPERATURE, CONFIG
        .matryoshkaDims(), WEIGHTS, false, 1L);
  }

  /** BERT's 0.02 initialisation makes all embeddings nearly equal; larger weights test more. */
  private static ModelParameters scaled(ModelParameters p) {
    java.util.Map<String, io.embedspark.io.FloatTensor> t = new java.util.LinkedHashMap<>();
    SplittableRandom r = new SplittableRandom(9);
    for (var e : p.tensors().entrySet()) {
      float[] v = e.getValue().values().clone();
      for (int i = 0; i < v.length; i++) {
        v[i] = e.getKey().contains("LayerNorm.weight") ? 1f + (float) r.nextGaussian(0, 0.1)
            : (float) r.nextGaussian(0, 0.3);
      }
      t.put(e.getKey(), new io.embedspark.io.FloatTensor(e.getValue().shape(), v));
    }
    return ModelParameters.of(t, CONFIG, "scaled");
  }

  /** Sequences of random ids and lengths; duplicated keys get identical token ids. */
  static ContrastiveTokens randomBatch(int[] negatives, long[] queryKeys, long[] positiveKeys) {
    SplittableRandom r = new SplittableRandom(17);
    int b = negatives.length;
    int rows = 2 * b + Arrays.stream(negatives).sum();
    int width = 12;
    int[][] seqs = new int[rows][];
    java.util.Map<Long, int[]> byKey = new java.util.HashMap<>();
    for (int i = 0; i < rows; i++) {
      Long key = i < b ? Long.valueOf(queryKeys[i]) : i < 2 * b ? Long.valueOf(positiveKeys[i - b])
          : null;
      int[] s = key == null ? null : byKey.get(key);
      if (s == null) {
        s = new int[2 + r.nextInt(width - 2)];
        for (int k = 0; k < s.length; k++) {
          s[k] = 1 + r.nextInt(CONFIG.vocabSize() - 1);
        }
        if (key != null) {
          byKey.put(key, s);
        }
      }
      seqs[i] = s;
    }
    width = Arrays.stream(seqs).mapToInt(x -> x.length).max().getAsInt();
    int[] ids = new int[rows * width];
    int[] lengths = new int[rows];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(seqs[i], 0, ids, i * width, seqs[i].length);
      lengths[i] = seqs[i].length;
    }
    TokenBatch tokens = new TokenBatch(rows, width, ids, lengths, new boolean[rows]);
    return new ContrastiveTokens(tokens, negatives, queryKeys, positiveKeys);
  }

  static TrainableEncoder encoder(String kind, boolean dropout) {
    TrainableEncoder e = switch (kind) {
      case "graph" -> new TrainingGraph(CONFIG, DataType.DOUBLE, dropout);
      case "manual" -> new ManualBackprop(CONFIG, DataType.DOUBLE, dropout);
      default -> throw new IllegalArgumentException(kind);
    };
    e.load(PARAMS);
    return e;
  }

  private static GradientCache.Step cached(String kind, int chunkSize) {
    TrainableEncoder graph = encoder(kind, false);
    MatryoshkaLoss loss = new MatryoshkaLoss(new GeminiNceLoss(TEMPERATURE),
        CONFIG.matryoshkaDims(), WEIGHTS);
    return new GradientCache(graph, loss, chunkSize).step(batch, 1L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"graph", "manual"})
  void lossEqualsTheOneGraphLoss(String kind) {
    assertEquals(reference.loss(), cached(kind, 4).loss().total().loss(), 1e-12);
  }

  @ParameterizedTest
  @ValueSource(strings = {"graph", "manual"})
  void parameterGradientsEqualTheOneGraphGradientsForEveryChunkSize(String kind) {
    for (int chunk : new int[] {1, 2, 3, 7, batch.sequences().size()}) {
      double err = maxRelativeError(cached(kind, chunk).gradients(), reference.gradients());
      System.out.printf("%s gradient cache, chunkSize %d: max relative error %.2e%n", kind,
          chunk, err);
      assertTrue(err < 1e-9, "chunkSize " + chunk + ": max relative error " + err);
    }
  }

  @Test
  void chunksAreCutFromTheRowsSortedByLengthSoTheyPadLittle() {
    int[] lengths = new int[40];
    for (int i = 0; i < 40; i++) {
      lengths[i] = i < 20 ? 3 + i % 4 : 30 + i % 10; // queries, then passages ten times longer
    }
    // Interleave them as a batch of mixed rows would come.
    int[] mixed = new int[40];
    for (int i = 0; i < 40; i++) {
      mixed[i] = lengths[(i % 2) * 20 + i / 2];
    }
    io.embedspark.tokenize.TokenBatch all = new io.embedspark.tokenize.TokenBatch(40, 40,
        new int[40 * 40], mixed, new boolean[40]);
    java.util.List<int[]> chunks = GradientCache.chunks(all, 8);
    java.util.Set<Integer> rows = new java.util.TreeSet<>();
    long sorted = 0;
    for (int[] c : chunks) {
      assertTrue(c.length <= 8);
      for (int r : c) {
        assertTrue(rows.add(r), "row " + r + " in one chunk only");
      }
      sorted += (long) c.length * all.select(c).width();
    }
    assertEquals(40, rows.size());
    long contiguous = 0;
    for (int from = 0; from < 40; from += 8) {
      contiguous += 8L * all.slice(from, from + 8).width();
    }
    assertTrue(sorted < 0.7 * contiguous, "padded tokens sorted " + sorted + " vs contiguous "
        + contiguous);
    assertEquals(1, GradientCache.chunks(all, 40).size(), "a batch that fits is one pass");
    assertEquals(0, GradientCache.chunks(all, 40).get(0)[0], "in its own order");
  }

  @ParameterizedTest
  @ValueSource(strings = {"graph", "manual"})
  void dropoutMasksAreReplayedBetweenTheEmbeddingAndTheBackwardPass(String kind) {
    OneGraphReference.Result withDropout = OneGraphReference.compute(CONFIG, PARAMS, batch,
        TEMPERATURE, CONFIG.matryoshkaDims(), WEIGHTS, true, 7L);
    OneGraphReference.Result withoutDropout = OneGraphReference.compute(CONFIG, PARAMS, batch,
        TEMPERATURE, CONFIG.matryoshkaDims(), WEIGHTS, false, 7L);
    TrainableEncoder graph = encoder(kind, true);
    MatryoshkaLoss loss = new MatryoshkaLoss(new GeminiNceLoss(TEMPERATURE),
        CONFIG.matryoshkaDims(), WEIGHTS);
    GradientCache.Step step = new GradientCache(graph, loss, batch.sequences().size())
        .step(batch, 7L);
    assertEquals(withDropout.loss(), step.loss().total().loss(), 1e-12,
        "same dropout masks in the embedding pass as in one graph with the same seed");
    double err = maxRelativeError(step.gradients(), withDropout.gradients());
    assertTrue(err < 1e-9, "same masks in the backward pass: " + err);
    assertTrue(maxRelativeError(withoutDropout.gradients(), withDropout.gradients()) > 1e-2,
        "negative control: dropout is active and changes the gradients");
  }

  @ParameterizedTest
  @ValueSource(strings = {"graph", "manual"})
  void negativeControlMisalignedEmbeddingGradientsGiveDifferentParameterGradients(String kind) {
    TrainableEncoder graph = encoder(kind, false);
    MatryoshkaLoss loss = new MatryoshkaLoss(new GeminiNceLoss(TEMPERATURE),
        CONFIG.matryoshkaDims(), WEIGHTS);
    // Back-propagate each chunk's embedding gradients through the NEXT chunk's sequences.
    ContrastiveTokens rotated = new ContrastiveTokens(rotate(batch.sequences(), 3),
        batch.negativeCounts(), batch.queryKeys(), batch.positiveKeys());
    GradientCache.Step good = new GradientCache(graph, loss, 3).step(batch, 1L);
    GradientCache.Step bad = new GradientCache(graph, loss, 3).step(rotated, 1L);
    double err = maxRelativeError(bad.gradients(), good.gradients());
    assertTrue(err > 1e-2, "rotated rows must change the gradients: " + err);
  }

  private static TokenBatch rotate(TokenBatch t, int by) {
    int n = t.size();
    int[] ids = new int[t.ids().length];
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      int from = (i + by) % n;
      System.arraycopy(t.ids(), from * t.width(), ids, i * t.width(), t.width());
      lengths[i] = t.lengths()[from];
    }
    return new TokenBatch(n, t.width(), ids, lengths, new boolean[n]);
  }

  static double maxRelativeError(Map<String, INDArray> a, Map<String, INDArray> b) {
    return io.embedspark.testing.TestWeights.maxRelativeError(a, b);
  }
}
