package io.embedspark.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Gemini NCE loss with Matryoshka dims against PyTorch autograd
 * ({@code tools/golden/gemini_loss.py}): duplicate queries and positives, 0 to 2 hard negatives.
 */
class MatryoshkaLossTest {
  private static final double TOLERANCE = 1e-12;
  private static JsonNode golden;
  private static ContrastiveBatch batch;
  private static MatryoshkaLoss loss;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = MatryoshkaLossTest.class.getResourceAsStream("/golden/gemini_loss.json")) {
      golden = new ObjectMapper().readTree(in);
    }
    batch = batch(golden.get("query_keys"), golden.get("positive_keys"));
    loss = new MatryoshkaLoss(new GeminiNceLoss(golden.get("temperature").asDouble()),
        ints(golden.get("dims")), doubles(golden.get("weights")));
  }

  private static ContrastiveBatch batch(JsonNode queryKeys, JsonNode positiveKeys) {
    int b = golden.get("queries").size();
    double[][][] negatives = new double[b][][];
    for (int i = 0; i < b; i++) {
      negatives[i] = matrix(golden.get("negatives").get(i));
    }
    return new ContrastiveBatch(matrix(golden.get("queries")), matrix(golden.get("positives")),
        negatives, longs(queryKeys), longs(positiveKeys));
  }

  @Test
  void lossPerDimAndTotalMatchPyTorch() {
    MatryoshkaLoss.Result r = loss.compute(batch);
    for (int m = 0; m < r.perDim().size(); m++) {
      assertEquals(golden.get("losses").get(m).asDouble(), r.perDim().get(m), TOLERANCE,
          "loss at dim " + loss.dims().get(m));
    }
    assertEquals(golden.get("total").asDouble(), r.total().loss(), TOLERANCE, "weighted total");
  }

  @Test
  void gradientsOfEveryEmbeddingMatchPyTorchAutograd() {
    LossResult r = loss.compute(batch).total();
    assertClose(matrix(golden.get("grad_queries")), r.gradQueries(), "dL/dq");
    assertClose(matrix(golden.get("grad_positives")), r.gradPositives(), "dL/dp+");
    for (int i = 0; i < batch.size(); i++) {
      assertClose(matrix(golden.get("grad_negatives").get(i)), r.gradNegatives()[i],
          "dL/dp- of row " + i);
    }
    assertTrue(r.isFinite());
  }

  @Test
  void similarityBlocksOfAFewQueriesGiveThePyTorchValuesToo() {
    for (int rows : new int[] {1, 2, 3}) {
      MatryoshkaLoss blocked = new MatryoshkaLoss(new GeminiNceLoss(
          golden.get("temperature").asDouble(), rows), ints(golden.get("dims")),
          doubles(golden.get("weights")));
      LossResult r = blocked.compute(batch).total();
      assertEquals(golden.get("total").asDouble(), r.loss(), TOLERANCE, rows + "-row blocks");
      assertClose(matrix(golden.get("grad_queries")), r.gradQueries(), "dL/dq, blocks " + rows);
      assertClose(matrix(golden.get("grad_positives")), r.gradPositives(),
          "dL/dp+, blocks " + rows);
    }
  }

  @Test
  void withoutTheMaskDuplicatesBecomeNegativesAndTheLossChanges() {
    JsonNode unique = new ObjectMapper().valueToTree(new long[] {0, 1, 2, 3, 4, 5});
    JsonNode uniquePositives = new ObjectMapper().valueToTree(new long[] {10, 11, 12, 13, 14, 15});
    double unmasked = loss.compute(batch(unique, uniquePositives)).total().loss();
    double masked = loss.compute(batch).total().loss();
    assertTrue(unmasked - masked > 1e-3, "masking duplicates lowers the loss: masked " + masked
        + ", unmasked " + unmasked);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    double h = 1e-6;
    LossResult r = loss.compute(batch).total();
    for (int[] at : new int[][] {{0, 0}, {1, 3}, {4, 7}}) {
      double[][] q = copy(batch.queries());
      q[at[0]][at[1]] += h;
      double up = loss.compute(with(q)).total().loss();
      q[at[0]][at[1]] -= 2 * h;
      double down = loss.compute(with(q)).total().loss();
      assertEquals((up - down) / (2 * h), r.gradQueries()[at[0]][at[1]], 1e-6,
          "dL/dq[" + at[0] + "][" + at[1] + "]");
    }
  }

  @Test
  void rejectsANonPositiveTemperatureAndMismatchedWeights() {
    assertThrows(InvalidInputException.class, () -> new GeminiNceLoss(0));
    assertThrows(InvalidInputException.class,
        () -> new MatryoshkaLoss(new GeminiNceLoss(0.05), List.of(4, 8), List.of(1.0)));
  }

  private static ContrastiveBatch with(double[][] queries) {
    return new ContrastiveBatch(queries, batch.positives(), batch.negatives(), batch.queryKeys(),
        batch.positiveKeys());
  }

  private static void assertClose(double[][] expected, double[][] actual, String what) {
    assertEquals(expected.length, actual.length, what + " rows");
    for (int i = 0; i < expected.length; i++) {
      for (int k = 0; k < expected[i].length; k++) {
        assertEquals(expected[i][k], actual[i][k], TOLERANCE, what + "[" + i + "][" + k + "]");
      }
    }
  }

  private static double[][] copy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  private static double[][] matrix(JsonNode rows) {
    double[][] m = new double[rows.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = new double[rows.get(i).size()];
      for (int k = 0; k < m[i].length; k++) {
        m[i][k] = rows.get(i).get(k).asDouble();
      }
    }
    return m;
  }

  private static long[] longs(JsonNode a) {
    long[] v = new long[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asLong();
    }
    return v;
  }

  private static List<Integer> ints(JsonNode a) {
    List<Integer> v = new ArrayList<>();
    a.forEach(x -> v.add(x.asInt()));
    return v;
  }

  private static List<Double> doubles(JsonNode a) {
    List<Double> v = new ArrayList<>();
    a.forEach(x -> v.add(x.asDouble()));
    return v;
  }
}
