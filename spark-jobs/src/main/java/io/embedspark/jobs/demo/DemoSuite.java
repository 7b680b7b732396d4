package io.embedspark.jobs.demo;

import io.embedspark.jobs.eval.EvalConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The bundled sample suite the demo ends with (the same tasks as {@code conf/eval.yaml}):
 * retrieval from the embed job's Parquet, section classification, clustering, reranking, pair
 * classification and bitext mining.
 */
final class DemoSuite {
  static final String RETRIEVAL = "debian-retrieval";
  static final String DEV_RETRIEVAL = "debian-dev-retrieval";

  private DemoSuite() {}

  static String bitext(String lang) {
    return "debian-bitext-" + lang;
  }

  /**
   * Writes the dev suite the finetune stage evaluates its checkpoints on (the sample's dev
   * retrieval split, as {@code conf/eval-dev.yaml}) to {@code <work>/eval-dev.yaml}.
   */
  static Path writeDevConfig(Path sample, Path work) {
    Path file = work.resolve("eval-dev.yaml");
    String yaml = String.join("\n",
        "# The demo's dev suite: the finetune stage evaluates each checkpoint on it.",
        "model: \"\"",
        "retrieval: {top_k: 100, ks: [10, 100], bm25: false}",
        "tasks:",
        "  - {name: " + DEV_RETRIEVAL + ", type: retrieval, path: '"
            + sample.resolve("retrieval-dev").toAbsolutePath().toString().replace("'", "''")
            + "', split: dev}",
        "");
    try {
      java.nio.file.Files.createDirectories(work);
      java.nio.file.Files.writeString(file, yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("writing " + file, e);
    }
    return file;
  }

  /**
   * The suite over {@code sample}; retrieval reads {@code <work>/embeddings/{corpus,queries}};
   * {@code compare} names other reports (report.json files) shown beside it.
   */
  static EvalConfig config(Path sample, Path model, Path work, Map<String, String> compare) {
    Path embeddings = work.resolve("embeddings");
    return new EvalConfig(model.toString(), null, work.resolve("eval").toString(), null, null,
        42L, null, compare, tasks(sample, new EvalConfig.Embeddings(
            embeddings.resolve("corpus").toString(), embeddings.resolve("queries").toString())),
        null, DemoJob.engine());
  }

  /** The same suite for the start model, embedding retrieval itself, into {@code <work>/eval-zero-shot}. */
  static EvalConfig zeroShotConfig(Path sample, Path model, Path work) {
    return stageConfig(sample, model, work, DemoJob.ZERO_SHOT);
  }

  /**
   * The same suite for another model of the run (the start, a stage, the soup), named {@code
   * name} in reports, embedding retrieval itself, into {@code <work>/eval-<name>}.
   */
  static EvalConfig stageConfig(Path sample, Path model, Path work, String name) {
    return new EvalConfig(model.toString(), name, work.resolve("eval-" + name).toString(), null,
        null, 42L, null, Map.of(), tasks(sample, null), null, DemoJob.engine());
  }

  private static List<EvalConfig.Task> tasks(Path sample, EvalConfig.Embeddings retrieval) {
    return List.of(
        task(RETRIEVAL, "retrieval", sample.resolve("retrieval"), null, retrieval),
        new EvalConfig.Task("debian-sections", "classification", null, null,
            sample.resolve("classification/train.jsonl").toString(),
            sample.resolve("classification/test.jsonl").toString(), null, null, 10, 8, null, null),
        task("debian-clustering-s2s", "clustering", sample.resolve(
            "clustering/s2s_topical.jsonl"), null, null),
        task("debian-reranking", "reranking", sample.resolve("reranking/test.jsonl"), null, null),
        task("debian-pairs-de", "pair_classification",
            sample.resolve("pair_classification/en-de.jsonl"), null, null),
        task(bitext("de"), "bitext", sample.resolve("bitext/mining_test_en-de.jsonl"),
            Map.of("source", "xx", "target", "en"), null),
        task(bitext("fr"), "bitext", sample.resolve("bitext/mining_test_en-fr.jsonl"),
            Map.of("source", "xx", "target", "en"), null));
  }

  private static EvalConfig.Task task(String name, String type, Path path,
      Map<String, String> fields, EvalConfig.Embeddings embeddings) {
    return new EvalConfig.Task(name, type, path.toString(), null, null, null, fields, null, null,
        null, embeddings, null);
  }
}
