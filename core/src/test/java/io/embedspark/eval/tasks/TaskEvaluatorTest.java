package io.embedspark.eval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.PairedDifference;
import io.embedspark.eval.SimilarityMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's metrics at two Matryoshka dims against SciPy and scikit-learn
 * ({@code tools/golden/task_suite.py}): texts {@code t<i>} embed to fixed vectors, so only the
 * evaluation (prefix, re-normalisation, pairing, metric) is under test.
 */
class TaskEvaluatorTest {
  private static final Pattern TEXT = Pattern.compile("t(\\d+)$");

  private final JsonNode golden = load();
  private final float[][] vectors = floats(golden.get("vectors"));
  private final TextEmbedder lookup = texts -> texts.stream().map(t -> {
    Matcher m = TEXT.matcher(t);
    if (!m.find()) {
      throw new IllegalArgumentException("unexpected text " + t);
    }
    return vectors[Integer.parseInt(m.group(1))];
  }).toArray(float[][]::new);
  private final TaskEvaluator evaluator = new TaskEvaluator(lookup, List.of(4, 8), 1L);

  @Test
  void stsPairsRerankingAndBitextEqualTheReferenceAtEveryDim() {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (JsonNode p : golden.get("sts").get("pairs")) {
      a.add("t" + p.get(0).asInt());
      b.add("t" + p.get(1).asInt());
    }
    double[] gold = new double[a.size()];
    boolean[] labels = new boolean[a.size()];
    for (int i = 0; i < gold.length; i++) {
      gold[i] = golden.get("sts").get("gold").get(i).asDouble();
      labels[i] = golden.get("pairs").get("labels").get(i).asInt() == 1;
    }
    List<RerankingTask.Item> items = new ArrayList<>();
    for (JsonNode r : golden.get("reranking")) {
      items.add(new RerankingTask.Item("t" + r.get("query").asInt(), names(r.get("positive")),
          names(r.get("negative"))));
    }
    List<String> src = new ArrayList<>();
    List<String> tgt = new ArrayList<>();
    for (JsonNode p : golden.get("bitext")) {
      tgt.add("t" + p.get(0).asInt());
      src.add("t" + p.get(1).asInt());
    }
    Map<String, Double> got = new java.util.LinkedHashMap<>();
    got.putAll(evaluator.evaluate(new StsTask("sts", a, b, gold), PromptTemplate.NONE));
    got.putAll(evaluator.evaluate(new PairClassificationTask("pairs", a, b, labels), null));
    got.putAll(evaluator.evaluate(new RerankingTask("reranking", items), null));
    got.putAll(evaluator.evaluate(new BitextTask("bitext", src, tgt), null));
    JsonNode expected = golden.get("expected");
    expected.fieldNames().forEachRemaining(key -> {
      assertTrue(got.containsKey(key), "missing " + key + " in " + got.keySet());
      assertEquals(expected.get(key).asDouble(), got.get(key), 1e-6, key);
    });
    assertEquals(expected.size(), got.size(), "keys: " + got.keySet());

    // Each source sentence's share of the F1 averages to scikit-learn's weighted F1.
    Map<String, Map<String, Double>> shares = evaluator.takeItemScores();
    assertEquals(java.util.Set.of("bitext/f1/d4", "bitext/f1/d8"), shares.keySet());
    for (String key : shares.keySet()) {
      assertEquals(src.size(), shares.get(key).size());
      assertEquals(expected.get(key).asDouble(), shares.get(key).values().stream()
          .mapToDouble(Double::doubleValue).average().orElseThrow(), 1e-6, key);
      assertTrue(shares.get(key).values().stream().allMatch(v -> v >= 0 && v <= 1), key);
    }
    assertTrue(evaluator.takeItemScores().isEmpty(), "taken once");
  }

  @Test
  void bitextSharesPairOnlyWhereBothReportsScoredTheSameSentences() {
    List<String> src = new ArrayList<>();
    List<String> tgt = new ArrayList<>();
    for (JsonNode p : golden.get("bitext")) {
      tgt.add("t" + p.get(0).asInt());
      src.add("t" + p.get(1).asInt());
    }
    evaluator.evaluate(new BitextTask("bitext", src, tgt), null);
    Map<String, Double> first = evaluator.takeItemScores().get("bitext/f1/d8");
    evaluator.evaluate(new BitextTask("bitext", src, tgt), null);
    Map<String, Double> again = evaluator.takeItemScores().get("bitext/f1/d8");
    assertEquals(src.size(), PairedDifference.of(first, again).orElseThrow().queries(),
        "the same file pairs row by row");

    // Negative control: another file of as many rows (every pair moved down one row).
    java.util.Collections.rotate(src, 1);
    java.util.Collections.rotate(tgt, 1);
    evaluator.evaluate(new BitextTask("bitext", src, tgt), null);
    Map<String, Double> other = evaluator.takeItemScores().get("bitext/f1/d8");
    assertEquals(src.size(), other.size());
    assertTrue(PairedDifference.of(first, other).isEmpty(), "no row of another file pairs");
  }

  @Test
  void prefixesAreRenormalisedNegativeControl() {
    // Without re-normalising the 4-dim prefixes, the euclidean ranking differs from MTEB's.
    List<float[]> a = new ArrayList<>();
    List<float[]> b = new ArrayList<>();
    boolean[] labels = new boolean[golden.get("pairs").get("labels").size()];
    int i = 0;
    for (JsonNode p : golden.get("pairs").get("pairs")) {
      a.add(java.util.Arrays.copyOf(vectors[p.get(0).asInt()], 4));
      b.add(java.util.Arrays.copyOf(vectors[p.get(1).asInt()], 4));
      labels[i] = golden.get("pairs").get("labels").get(i).asInt() == 1;
      i++;
    }
    double raw = SimilarityMetrics.maxAveragePrecision(a.toArray(new float[0][]),
        b.toArray(new float[0][]), labels).get("euclidean");
    double expected = golden.get("expected").get("pairs/euclidean_ap/d4").asDouble();
    assertTrue(Math.abs(raw - expected) > 1e-3, "raw prefixes gave " + raw);
  }

  @Test
  void reportKeysAreStable() {
    assertEquals("debian/ndcg@10/d256", ReportKeys.of("debian", "ndcg@10", 256));
    assertEquals("debian", ReportKeys.task("debian/ndcg@10/d256"));
    assertEquals("ndcg@10", ReportKeys.metric("debian/ndcg@10/d256"));
    assertEquals(256, ReportKeys.dim("debian/ndcg@10/d256"));
    assertEquals(0, ReportKeys.dim("debian/ndcg@10"));
  }

  private static List<String> names(JsonNode ids) {
    List<String> out = new ArrayList<>();
    ids.forEach(id -> out.add("t" + id.asInt()));
    return out;
  }

  private static JsonNode load() {
    try (InputStream in = TaskEvaluatorTest.class.getResourceAsStream(
        "/golden/task_suite.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static float[][] floats(JsonNode m) {
    float[][] out = new float[m.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new float[m.get(i).size()];
      for (int k = 0; k < out[i].length; k++) {
        out[i][k] = (float) m.get(i).get(k).asDouble();
      }
    }
    return out;
  }
}
