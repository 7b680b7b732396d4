package io.embedspark.jobs.eval;

import io.embedspark.eval.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.BeirTask;
import io.embedspark.eval.Bm25Retriever;
import io.embedspark.eval.RetrievalMetrics;
import io.embedspark.eval.tasks.ReportKeys;
import io.embedspark.eval.tasks.TaskType;
import io.embedspark.jobs.embed.EmbedConfig;
import io.embedspark.jobs.embed.EmbedJob;
import io.embedspark.jobs.embed.EmbedReport;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.VectorColumns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One BEIR retrieval task: the corpus and queries embedded by the embed job (or read from its
 * earlier output), exact top-k over the distributed corpus at every dimension ({@link
 * DistributedTopK}), MTEB's retrieval metrics, and BM25 on the same queries.
 */
final class RetrievalEvaluation {
  /**
   * Metrics of the model ({@code {task}/{metric}/d{dim}}) and of BM25 ({@code {task}/{metric}}),
   * and the model's main metric per query at every dim ({@link
   * io.embedspark.eval.report.EvalReport#perQuery()}).
   */
  record Result(Map<String, Double> model, Map<String, Double> bm25, Map<String, Object> details,
      Map<String, Map<String, Double>> perQuery) {}

  private final SparkSession spark;
  private final EvalConfig config;
  private final TaskFiles files;
  /** The evaluated bundle at the eval's length; null when every retrieval task has embeddings. */
  private final BundleFiles model;
  /** The tokens a text is embedded up to; 0 without a model. */
  private final int maxLength;
  private final Consumer<String> progress;

  RetrievalEvaluation(SparkSession spark, EvalConfig config, BundleFiles model,
      Consumer<String> progress) {
    this.spark = spark;
    this.config = config;
    this.model = model;
    this.maxLength = model == null ? 0 : model.config().maxSequenceLength();
    this.files = new TaskFiles(spark.sparkContext().hadoopConfiguration());
    this.progress = progress;
  }

  Result run(EvalConfig.Task task, int[] dims) {
    String dir = task.path().replaceAll("/+$", "");
    String queriesFile = dir + "/queries.jsonl";
    String qrelsFile = dir + "/qrels/" + task.split() + ".tsv";
    BeirTask beir = BeirTask.of(task.name(), List.of(), dir + "/corpus.jsonl",
        files.rows(queriesFile), queriesFile, files.lines(qrelsFile), qrelsFile);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put(task.name() + "/queries", beir.queries().size());
    String corpusEmbeddings;
    String queryEmbeddings;
    if (task.embeddings() != null) {
      corpusEmbeddings = task.embeddings().corpus();
      queryEmbeddings = task.embeddings().queries();
    } else {
      String work = config.work().replaceAll("/+$", "") + "/" + task.name();
      corpusEmbeddings = work + "/corpus";
      queryEmbeddings = work + "/queries";
      // Named prompts are resolved by the embed job against the model's own prompts.
      String queryPrompt = task.prompt() == null || task.prompt().isBlank() ? "query"
          : task.prompt();
      long corpusCut = embed(new EmbedConfig.Input(dir + "/corpus.jsonl", "beir", null, null,
          null), "document", corpusEmbeddings, dims).truncated();
      long queriesCut = embed(new EmbedConfig.Input(queriesFile, "jsonl", "_id", "text", ""),
          queryPrompt, queryEmbeddings, dims).truncated();
      // How many texts the model saw only in part, at the length it embedded with.
      details.put(task.name() + "/truncated", Map.of("corpus", corpusCut, "queries", queriesCut,
          "max_length", maxLength));
    }
    details.put(task.name() + "/embeddings", Map.of("corpus", corpusEmbeddings, "queries",
        queryEmbeddings));
    Dataset<Row> corpus = io.embedspark.spark.Partitions.atLeastCores(spark,
        spark.read().parquet(corpusEmbeddings));
    requireColumns(corpus, dims, corpusEmbeddings);
    long docs = corpus.count();
    details.put(task.name() + "/documents", docs);
    List<String> missing = judgedDocumentsMissing(corpus, beir.qrels());
    details.put(task.name() + "/judged_documents_missing_from_corpus", missing.size());
    if (!missing.isEmpty()) {
      details.put(task.name() + "/judged_documents_missing_from_corpus_examples",
          missing.subList(0, Math.min(5, missing.size())));
    }
    List<String> queryIds = new ArrayList<>(beir.queries().keySet());
    float[][][] queries = queryVectors(queryEmbeddings, queryIds, dims);

    long t0 = System.nanoTime();
    int k = config.retrieval().topK();
    List<Map<String, List<Hit>>> runs = new ArrayList<>();
    for (int d = 0; d < dims.length; d++) {
      runs.add(new HashMap<>());
    }
    int block = config.retrieval().queryBlock();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (int from = 0; from < queryIds.size(); from += block) {
      int to = Math.min(queryIds.size(), from + block);
      float[][][] q = new float[dims.length][][];
      for (int d = 0; d < dims.length; d++) {
        q[d] = Arrays.copyOfRange(queries[d], from, to);
      }
      jsc.setJobDescription("embedspark eval " + task.name() + ": exact top-" + k + " of queries "
          + from + "-" + to + " over " + docs + " documents");
      List<List<List<Hit>>> hits = DistributedTopK.search(jsc, corpus, dims, q, k,
          config.retrieval().corpusBlock());
      for (int d = 0; d < dims.length; d++) {
        for (int i = from; i < to; i++) {
          runs.get(d).put(queryIds.get(i), hits.get(d).get(i - from).stream()
              .map(h -> new Hit(h.id(), h.score())).toList());
        }
      }
      progress.accept(String.format("eval %s: searched %d/%d queries", task.name(), to,
          queryIds.size()));
    }
    jsc.setJobDescription(null);
    details.put(task.name() + "/search_seconds", (System.nanoTime() - t0) / 1e9);
    Map<String, Double> model = new LinkedHashMap<>();
    Map<String, Map<String, Double>> perQuery = new LinkedHashMap<>();
    String main = TaskType.RETRIEVAL.primaryMetric();
    for (int d = 0; d < dims.length; d++) {
      int dim = dims[d];
      Map<String, Map<String, Double>> scored = RetrievalMetrics.perQuery(runs.get(d),
          beir.qrels(), config.retrieval().ks());
      RetrievalMetrics.means(scored, config.retrieval().ks())
          .forEach((m, v) -> model.put(ReportKeys.of(task.name(), m, dim), v));
      Map<String, Double> values = new LinkedHashMap<>();
      scored.forEach((query, metrics) -> {
        if (metrics.containsKey(main)) {
          values.put(query, metrics.get(main));
        }
      });
      if (!values.isEmpty()) {
        perQuery.put(ReportKeys.of(task.name(), main, dim), values);
      }
    }
    Map<String, Double> bm25 = new LinkedHashMap<>();
    if (config.retrieval().bm25()) {
      long b0 = System.nanoTime();
      bm25(task, dir + "/corpus.jsonl", beir).forEach((m, v) -> bm25.put(
          ReportKeys.of(task.name(), m), v));
      details.put(task.name() + "/bm25_seconds", (System.nanoTime() - b0) / 1e9);
    }
    return new Result(model, bm25, details, perQuery);
  }

  private EmbedReport embed(EmbedConfig.Input input, String prompt, String output, int[] dims) {
    EmbedConfig c = new EmbedConfig(config.model(), input, prompt,
        new EmbedConfig.Output(output, null, "overwrite", Arrays.stream(dims).boxed().toList(),
            false, false), null, null, config.engine());
    return new EmbedJob(spark, c, model, progress).run();
  }

  /** Per dim, the vectors of the queries in order, read from the embed job's output. */
  private float[][][] queryVectors(String path, List<String> ids, int[] dims) {
    Dataset<Row> rows = spark.read().parquet(path);
    requireColumns(rows, dims, path);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      index.put(ids.get(i), i);
    }
    float[][][] out = new float[dims.length][ids.size()][];
    List<String> cols = new ArrayList<>(List.of("id"));
    for (int d : dims) {
      cols.add(VectorColumns.name(d));
    }
    Iterator<Row> it = rows.selectExpr(cols.toArray(new String[0])).toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      Integer i = index.get(r.getString(0));
      if (i == null) {
        continue;
      }
      for (int d = 0; d < dims.length; d++) {
        out[d][i] = VectorColumns.floats(r.getList(d + 1));
      }
    }
    for (int i = 0; i < ids.size(); i++) {
      if (out[0][i] == null) {
        throw new InvalidInputException(path + " has no embedding for judged query '"
            + ids.get(i) + "' (was it rejected by the embed job? see its rejects output)");
      }
    }
    return out;
  }

  /**
   * The documents the qrels judge that the corpus does not have (a qrels line naming a document
   * missing from the corpus can never be retrieved, and lowers every metric). Only the judged ids
   * are looked up, not the corpus collected.
   */
  private static List<String> judgedDocumentsMissing(Dataset<Row> corpus,
      Map<String, Map<String, Integer>> qrels) {
    java.util.Set<String> judged = new java.util.TreeSet<>();
    qrels.values().forEach(m -> judged.addAll(m.keySet()));
    if (judged.isEmpty()) {
      return List.of();
    }
    java.util.Set<String> found = new java.util.HashSet<>();
    for (Row r : corpus.select("id").where(org.apache.spark.sql.functions.col("id")
        .isin(judged.toArray())).distinct().collectAsList()) {
      found.add(r.getString(0));
    }
    List<String> missing = new ArrayList<>();
    for (String id : judged) {
      if (!found.contains(id)) {
        missing.add(id);
      }
    }
    return missing;
  }

  private static void requireColumns(Dataset<Row> rows, int[] dims, String path) {
    List<String> have = Arrays.asList(rows.columns());
    if (!have.contains("id")) {
      throw new InvalidInputException(path + " has no 'id' column; is it the embed job's output?");
    }
    for (int d : dims) {
      if (!have.contains("embedding_d" + d)) {
        throw new InvalidInputException(path + " has no column embedding_d" + d + " (it has "
            + String.join(", ", have) + "); embed with output.dims including " + d
            + " or evaluate other dims");
      }
    }
  }

  private Map<String, Double> bm25(EvalConfig.Task task, String corpusFile, BeirTask beir) {
    Path index;
    try {
      index = Files.createTempDirectory("embedspark-bm25-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the BM25 index", e);
    }
    try {
      Iterator<JsonNode> rows = files.streamRows(corpusFile);
      Iterator<String[]> docs = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public String[] next() {
          JsonNode r = rows.next();
          JsonNode id = r.get("_id");
          if (id == null || id.isNull()) {
            throw new InvalidInputException(corpusFile + ": a row has no _id: " + r);
          }
          return new String[] {id.asText(), r.path("title").asText(""),
              r.path("text").asText("")};
        }
      };
      return RetrievalMetrics.evaluate(Bm25Retriever.search(docs, beir.queries(),
          config.retrieval().topK(), index, task.name()), beir.qrels(), config.retrieval().ks());
    } finally {
      try {
        io.embedspark.io.AtomicDirectory.deleteRecursively(index);
      } catch (IOException e) {
        progress.accept("eval: could not delete the BM25 index " + index + ": " + e);
      }
    }
  }
}
