package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.BitextMining;
import io.embedspark.eval.ClassificationMetrics;
import io.embedspark.eval.ClusteringMetrics;
import io.embedspark.eval.KMeans;
import io.embedspark.eval.RerankingMetrics;
import io.embedspark.eval.SimilarityMetrics;
import io.embedspark.model.Matryoshka;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a non-retrieval task at every Matryoshka dimension: the texts are embedded once at
 * full dimension, then each dimension's prefix is re-normalised ({@link Matryoshka#truncate}) and
 * scored by the metric MTEB uses for the task type. Keys follow {@link ReportKeys}.
 */
public final class TaskEvaluator {
  private final TextEmbedder embedder;
  private final List<Integer> dims;
  private final long seed;

  /**
   * @param dims Matryoshka dimensions to report, each at most the embedder's output dimension
   * @param seed seed of the classification samples and the k-means initialisations
   */
  public TaskEvaluator(TextEmbedder embedder, List<Integer> dims, long seed) {
    this.embedder = embedder;
    this.dims = List.copyOf(dims);
    this.seed = seed;
  }

  /** Every metric of the task at every dimension, with the task's own prompt or the default. */
  public Map<String, Double> evaluate(EvalTask task, PromptTemplate prompt) {
    PromptTemplate p = prompt == null ? TaskPrompts.of(task) : prompt;
    Map<String, Double> out = new LinkedHashMap<>();
    if (task instanceof ClassificationTask c) {
      classification(c, p, out);
    } else if (task instanceof ClusteringTask c) {
      clustering(c, p, out);
    } else if (task instanceof StsTask s) {
      float[][] a = embed(s.first(), p);
      float[][] b = embed(s.second(), p);
      for (int d : dims) {
        out.put(ReportKeys.of(s.name(), "cosine_spearman", d),
            SimilarityMetrics.stsSpearman(truncate(a, d), truncate(b, d), s.scores()));
      }
    } else if (task instanceof PairClassificationTask pc) {
      float[][] a = embed(pc.first(), p);
      float[][] b = embed(pc.second(), p);
      for (int d : dims) {
        SimilarityMetrics.maxAveragePrecision(truncate(a, d), truncate(b, d), pc.labels())
            .forEach((f, v) -> out.put(ReportKeys.of(pc.name(), f + "_ap", d), v));
      }
    } else if (task instanceof RerankingTask r) {
      reranking(r, p, out);
    } else if (task instanceof BitextTask b) {
      float[][] s = embed(b.sources(), p);
      float[][] t = embed(b.targets(), p);
      for (int d : dims) {
        int[] predicted = BitextMining.match(truncate(s, d), truncate(t, d));
        out.put(ReportKeys.of(b.name(), "f1", d), BitextMining.f1(predicted));
        out.put(ReportKeys.of(b.name(), "accuracy", d), BitextMining.accuracy(predicted));
      }
    }
    return out;
  }

  private void classification(ClassificationTask c, PromptTemplate p, Map<String, Double> out) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    int[] trainY = c.trainLabels().stream().mapToInt(l -> ids.computeIfAbsent(l,
        k -> ids.size())).toArray();
    int[] testY = c.testLabels().stream().mapToInt(ids::get).toArray();
    float[][] train = embed(c.trainTexts(), p);
    float[][] test = embed(c.testTexts(), p);
    for (int d : dims) {
      Map<String, Double> m = ClassificationMetrics.evaluate(doubles(truncate(train, d)), trainY,
          doubles(truncate(test, d)), testY, ids.size(), c.experiments(), c.samplesPerLabel(),
          seed);
      out.put(ReportKeys.of(c.name(), "accuracy", d), m.get("accuracy"));
      out.put(ReportKeys.of(c.name(), "f1", d), m.get("f1"));
    }
  }

  private void clustering(ClusteringTask c, PromptTemplate p, Map<String, Double> out) {
    List<float[][]> embedded = new ArrayList<>();
    for (ClusteringTask.Set set : c.sets()) {
      embedded.add(embed(set.sentences(), p));
    }
    for (int d : dims) {
      double sum = 0;
      for (int s = 0; s < c.sets().size(); s++) {
        Map<String, Integer> ids = new HashMap<>();
        int[] gold = c.sets().get(s).labels().stream().mapToInt(l -> ids.computeIfAbsent(l,
            k -> ids.size())).toArray();
        int[] clusters = new KMeans(ids.size(), 10, 300, seed).fit(truncate(embedded.get(s), d))
            .assignment();
        sum += ClusteringMetrics.vMeasure(gold, clusters);
      }
      out.put(ReportKeys.of(c.name(), "v_measure", d), sum / c.sets().size());
    }
  }

  private void reranking(RerankingTask r, PromptTemplate queryPrompt, Map<String, Double> out) {
    List<String> queries = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    for (RerankingTask.Item item : r.items()) {
      queries.add(item.query());
      candidates.addAll(item.positives());
      candidates.addAll(item.negatives());
    }
    float[][] q = embed(queries, queryPrompt);
    float[][] c = embed(candidates, PromptTemplate.DOCUMENT);
    for (int d : dims) {
      List<RerankingMetrics.Query> scored = new ArrayList<>();
      int next = 0;
      for (int i = 0; i < r.items().size(); i++) {
        RerankingTask.Item item = r.items().get(i);
        int n = item.positives().size() + item.negatives().size();
        float[][] cand = new float[n][];
        boolean[] relevant = new boolean[n];
        for (int j = 0; j < n; j++) {
          cand[j] = Matryoshka.truncate(c[next++], d);
          relevant[j] = j < item.positives().size();
        }
        scored.add(new RerankingMetrics.Query(Matryoshka.truncate(q[i], d), cand, relevant));
      }
      RerankingMetrics.evaluate(scored).forEach((m, v) -> out.put(ReportKeys.of(r.name(), m, d),
          v));
    }
  }

  private float[][] embed(List<String> texts, PromptTemplate prompt) {
    List<String> prompted = new ArrayList<>(texts.size());
    for (String t : texts) {
      prompted.add(prompt.apply("", t));
    }
    return embedder.embed(prompted);
  }

  /** The re-normalised prefixes of {@code d} coordinates. */
  public static float[][] truncate(float[][] x, int d) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = Matryoshka.truncate(x[i], d);
    }
    return out;
  }

  private static double[][] doubles(float[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = x[i][j];
      }
    }
    return out;
  }
}
