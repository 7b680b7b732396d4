package io.embedspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.data.JsonlTexts;
import io.embedspark.data.PromptTemplate;
import io.embedspark.embed.BucketedEmbedder;
import io.embedspark.eval.ClassificationMetrics;
import io.embedspark.eval.ClusteringMetrics;
import io.embedspark.eval.KMeans;
import io.embedspark.model.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundled sample's classification and clustering tasks, evaluated by MTEB's protocol on the
 * driver (the sample is small): classification accuracy and macro F1 by logistic regression on
 * frozen embeddings (10 experiments of 8 examples per label), clustering V-measure of k-means with
 * k = the number of labels.
 */
final class SampleSuite {
  private static final PromptTemplate CLASSIFY =
      new PromptTemplate("task: classification | query: {text}");
  private static final PromptTemplate CLUSTER =
      new PromptTemplate("task: clustering | query: {text}");

  private SampleSuite() {}

  static Map<String, Double> evaluate(Path sample, EmbeddingModel model) {
    BucketedEmbedder embedder = new BucketedEmbedder(model, 16_384, 256);
    Map<String, Double> out = new LinkedHashMap<>();
    List<JsonNode> train = JsonlTexts.rows(sample.resolve("classification/train.jsonl"));
    List<JsonNode> test = JsonlTexts.rows(sample.resolve("classification/test.jsonl"));
    Map<String, Integer> labelIds = new LinkedHashMap<>();
    for (JsonNode r : train) {
      labelIds.putIfAbsent(r.get("label").asText(), labelIds.size());
    }
    List<JsonNode> known = test.stream().filter(r -> labelIds.containsKey(r.get("label")
        .asText())).toList();
    Map<String, Double> classification = ClassificationMetrics.evaluate(
        vectors(embedder, train, CLASSIFY), labels(train, labelIds),
        vectors(embedder, known, CLASSIFY), labels(known, labelIds), labelIds.size(), 10, 8, 42L);
    out.put("classification accuracy", classification.get("accuracy"));
    out.put("classification f1", classification.get("f1"));
    for (JsonNode set : JsonlTexts.rows(sample.resolve("clustering/s2s_topical.jsonl"))) {
      List<String> sentences = new ArrayList<>();
      set.get("sentences").forEach(s -> sentences.add(CLUSTER.apply(null, s.asText())));
      Map<String, Integer> ids = new LinkedHashMap<>();
      int[] gold = new int[set.get("labels").size()];
      for (int i = 0; i < gold.length; i++) {
        gold[i] = ids.computeIfAbsent(set.get("labels").get(i).asText(), k -> ids.size());
      }
      float[][] x = embedder.embed(sentences).embeddings();
      int[] clusters = new KMeans(ids.size(), 10, 300, 42L).fit(x).assignment();
      out.put("clustering v-measure (set " + set.get("set").asInt() + ")",
          ClusteringMetrics.vMeasure(gold, clusters));
    }
    return out;
  }

  private static double[][] vectors(BucketedEmbedder embedder, List<JsonNode> rows,
      PromptTemplate prompt) {
    List<String> texts = new ArrayList<>();
    for (JsonNode r : rows) {
      texts.add(prompt.apply(null, r.get("text").asText()));
    }
    float[][] e = embedder.embed(texts).embeddings();
    double[][] out = new double[e.length][];
    for (int i = 0; i < e.length; i++) {
      out[i] = new double[e[i].length];
      for (int j = 0; j < e[i].length; j++) {
        out[i][j] = e[i][j];
      }
    }
    return out;
  }

  private static int[] labels(List<JsonNode> rows, Map<String, Integer> ids) {
    return rows.stream().mapToInt(r -> ids.get(r.get("label").asText())).toArray();
  }
}
