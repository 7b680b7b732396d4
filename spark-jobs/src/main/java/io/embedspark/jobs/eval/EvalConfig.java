package io.embedspark.jobs.eval;

import io.embedspark.config.Checks;
import io.embedspark.config.Choice;
import io.embedspark.eval.tasks.TaskType;
import io.embedspark.data.PromptTemplate;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code eval} job's settings, as in {@code conf/eval.yaml} (every key is documented there and
 * in docs/EVAL.md). Bad values are reported with their dotted key.
 *
 * @param model checkpoint bundle directory (any Hadoop file system); needed unless every task is
 *     a retrieval task with precomputed embeddings (checked when the job runs, so a dev suite
 *     can leave it to the train job)
 * @param name the model's name in the report; default: the bundle directory's name
 * @param output directory of report.json, report.md and plots/ (local)
 * @param work directory of the embeddings the job computes (any Hadoop file system); default
 *     {@code <output>/embeddings}
 * @param dims Matryoshka dimensions to report; default: the model's (or those in the Parquet)
 * @param seed seed of classification samples and k-means
 * @param retrieval settings of retrieval tasks
 * @param compare other models' report.json files by name, compared in the report
 * @param tasks the suite
 * @param driverFitRows the largest train sample of a distributed classification task fitted on
 *     the driver; larger samples are fitted over the executors
 * @param engine the inference engine that embeds texts: {@code nd4j} (default) or
 *     {@code onnxruntime} ({@link InferenceEngine})
 * @param maxLength tokens per text the model embeds, up to its positions; default: the
 *     bundle's own (a model trained on texts cut at 128 tokens can embed longer ones)
 */
public record EvalConfig(String model, String name, String output, String work, List<Integer> dims,
    Long seed, Retrieval retrieval, Map<String, String> compare, List<Task> tasks,
    Long driverFitRows, String engine, Integer maxLength) {

  /** With the bundle's maximum length. */
  public EvalConfig(String model, String name, String output, String work, List<Integer> dims,
      Long seed, Retrieval retrieval, Map<String, String> compare, List<Task> tasks,
      Long driverFitRows, String engine) {
    this(model, name, output, work, dims, seed, retrieval, compare, tasks, driverFitRows, engine,
        null);
  }

  /** With the default engine. */
  public EvalConfig(String model, String name, String output, String work, List<Integer> dims,
      Long seed, Retrieval retrieval, Map<String, String> compare, List<Task> tasks,
      Long driverFitRows) {
    this(model, name, output, work, dims, seed, retrieval, compare, tasks, driverFitRows, null);
  }

  /** The inference engine. */
  public InferenceEngine inferenceEngine() {
    return InferenceEngine.valueOf(engine.toUpperCase(Locale.ROOT));
  }

  /**
   * @param topK documents retrieved per query (the deepest cutoff that can be scored)
   * @param ks cutoffs of the retrieval metrics
   * @param bm25 also run the BM25 baseline (on the driver, Lucene index on local disk)
   * @param queryBlock queries scored per pass over the corpus (bounds executor memory)
   * @param corpusBlock corpus rows per matrix product on the executors
   */
  public record Retrieval(Integer topK, List<Integer> ks, Boolean bm25, Integer queryBlock,
      Integer corpusBlock) {}

  /**
   * One task; which keys apply depends on the type (see conf/eval.yaml).
   *
   * @param name the task's name in the report keys (letters, digits, '-', '_', '.')
   * @param type retrieval, classification, clustering, sts, pair_classification, reranking,
   *     bitext
   * @param path BEIR directory (retrieval) or JSON-lines file (others)
   * @param split qrels split of a retrieval task (qrels/{split}.tsv)
   * @param train classification train file
   * @param test classification test file
   * @param fields field names, overriding the type's defaults
   * @param prompt prompt template for the task's texts (retrieval: the queries'); default by type
   * @param experiments classification experiments
   * @param samplesPerLabel classification train rows drawn per label in each experiment
   * @param embeddings precomputed embed-job outputs of a retrieval task
   * @param distributed classification or clustering kept on the executors, for data larger
   *     than the driver (clustering then reads one set of {@code {text, label}} rows)
   */
  public record Task(String name, String type, String path, String split, String train,
      String test, Map<String, String> fields, String prompt, Integer experiments,
      Integer samplesPerLabel, Embeddings embeddings, Boolean distributed) {

    /** Whether the task runs on the executors ({@code distributed: true}). */
    public boolean isDistributed() {
      return distributed != null && distributed;
    }

    /** The field name a task uses for {@code role}. */
    public String field(String role) {
      String v = fields == null ? null : fields.get(role);
      return v == null || v.isBlank() ? DEFAULT_FIELDS.get(type).get(role) : v;
    }

    /** The task's prompt, or null for the type's default. */
    public PromptTemplate promptTemplate() {
      if (prompt == null || prompt.isBlank()) {
        return null;
      }
      return PromptTemplate.named(prompt);
    }
  }

  /**
   * @param corpus the embed job's Parquet output for the corpus ({@code id},
   *     {@code embedding_d<dim>})
   * @param queries the same for the queries
   */
  public record Embeddings(String corpus, String queries) {}

  public static final List<String> TYPES = io.embedspark.eval.tasks.TaskType.keys();

  /** Per type: role to default field name. */
  static final Map<String, Map<String, String>> DEFAULT_FIELDS = Map.of(
      "retrieval", Map.of(),
      "classification", Map.of("text", "text", "label", "label"),
      "clustering", Map.of("sentences", "sentences", "labels", "labels", "text", "text",
          "label", "label"),
      "sts", Map.of("sentence1", "sentence1", "sentence2", "sentence2", "score", "score"),
      "pair_classification", Map.of("sentence1", "sentence1", "sentence2", "sentence2",
          "label", "label"),
      "reranking", Map.of("query", "query", "positive", "positive", "negative", "negative"),
      "bitext", Map.of("source", "sentence1", "target", "sentence2"));

  public EvalConfig {
    output = output == null || output.isBlank() ? "runs/eval" : output;
    work = work == null || work.isBlank() ? output.replaceAll("/+$", "") + "/embeddings" : work;
    dims = dims == null ? List.of() : List.copyOf(dims);
    seed = seed == null ? 42L : seed;
    retrieval = retrieval == null ? new Retrieval(null, null, null, null, null) : retrieval;
    retrieval = new Retrieval(retrieval.topK() == null ? 100 : retrieval.topK(),
        retrieval.ks() == null || retrieval.ks().isEmpty() ? List.of(1, 3, 5, 10, 100)
            : List.copyOf(retrieval.ks()),
        retrieval.bm25() == null || retrieval.bm25(),
        retrieval.queryBlock() == null ? 8192 : retrieval.queryBlock(),
        retrieval.corpusBlock() == null ? 2048 : retrieval.corpusBlock());
    compare = compare == null ? Map.of() : Map.copyOf(compare);
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    driverFitRows = driverFitRows == null ? 100_000L : driverFitRows;
    List<String> p = new ArrayList<>();
    try {
      engine = InferenceEngine.parse("engine", engine).key();
    } catch (InvalidInputException e) {
      p.add(e.getMessage());
    }
    if (maxLength != null) {
      Checks.positive(p, "max_length", maxLength);
    }
    if (driverFitRows < 0) {
      p.add("driver_fit_rows = " + driverFitRows + " must be at least 0");
    }
    for (Integer d : dims) {
      if (d == null || d <= 0) {
        p.add("dims contains " + d + "; dims must be positive");
      }
    }
    Checks.positive(p, "retrieval.top_k", retrieval.topK());
    Checks.positive(p, "retrieval.query_block", retrieval.queryBlock());
    Checks.positive(p, "retrieval.corpus_block", retrieval.corpusBlock());
    for (Integer k : retrieval.ks()) {
      if (k == null || k <= 0 || k > retrieval.topK()) {
        p.add("retrieval.ks contains " + k + "; each cutoff must be in 1..retrieval.top_k ("
            + retrieval.topK() + ")");
      }
    }
    if (tasks.isEmpty()) {
      p.add("tasks must list at least one task");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      String key = "tasks[" + i + "]";
      if (t == null) {
        p.add(key + " is empty");
        continue;
      }
      if (t.name() == null || !t.name().matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
        // Task names become directory names under the work directory: no '.', '..' or
        // hidden names, so every path built from one stays under its root.
        p.add(key + ".name = '" + t.name() + "' must be letters, digits, '-', '_' or '.', "
            + "starting with a letter, digit or '_'");
      } else if (!names.add(t.name())) {
        p.add(key + ".name = '" + t.name() + "' is used by another task");
      }
      TaskType type = Choice.find(TaskType.class, t.type());
      if (type == null) {
        p.add(key + ".type = '" + t.type() + "' must be one of " + String.join(", ", TYPES));
        continue;
      }
      if (type == TaskType.CLASSIFICATION) {
        if (blank(t.train()) || blank(t.test())) {
          p.add(key + " (classification) needs train and test files");
        }
        if (t.experiments() != null && t.experiments() <= 0) {
          p.add(key + ".experiments = " + t.experiments() + " must be positive");
        }
        if (t.samplesPerLabel() != null && t.samplesPerLabel() <= 0) {
          p.add(key + ".samples_per_label = " + t.samplesPerLabel() + " must be positive");
        }
      } else if (blank(t.path())) {
        p.add(key + ".path must name the task's " + (type == TaskType.RETRIEVAL
            ? "BEIR directory" : "JSON-lines file"));
      }
      if (t.fields() != null) {
        Map<String, String> defaults = DEFAULT_FIELDS.get(type.key());
        for (String role : t.fields().keySet()) {
          if (!defaults.containsKey(role)) {
            p.add(key + ".fields." + role + " is not a field of a " + type.key() + " task; "
                + "known: " + String.join(", ", new java.util.TreeSet<>(defaults.keySet())));
          }
        }
      }
      if (t.isDistributed() && type != TaskType.CLASSIFICATION
          && type != TaskType.CLUSTERING) {
        p.add(key + ".distributed applies to classification and clustering tasks only");
      }
      if (t.embeddings() != null && type != TaskType.RETRIEVAL) {
        p.add(key + ".embeddings applies to retrieval tasks only");
      }
      boolean precomputed = type == TaskType.RETRIEVAL && t.embeddings() != null
          && !blank(t.embeddings().corpus()) && !blank(t.embeddings().queries());
      if (t.embeddings() != null && type == TaskType.RETRIEVAL && !precomputed) {
        p.add(key + ".embeddings needs both corpus and queries");
      }
      try {
        t.promptTemplate();
      } catch (InvalidInputException e) {
        p.add(key + ".prompt: " + e.getMessage());
      }
    }
    if (!p.isEmpty()) {
      throw new InvalidInputException(String.join("; ", p));
    }
    List<Task> normalised = new ArrayList<>();
    for (Task t : tasks) {
      normalised.add(new Task(t.name(), t.type().trim().toLowerCase(Locale.ROOT), t.path(),
          blank(t.split()) ? "test" : t.split(), t.train(), t.test(), t.fields(), t.prompt(),
          t.experiments() == null ? 10 : t.experiments(),
          t.samplesPerLabel() == null ? 8 : t.samplesPerLabel(), t.embeddings(),
          t.distributed()));
    }
    tasks = List.copyOf(normalised);
  }

  /**
   * This suite for another model: its name, report directory and embeddings directory
   * ({@code <output>/embeddings}) replaced; no comparisons.
   */
  public EvalConfig forModel(String bundle, String modelName, String reportDir) {
    return new EvalConfig(bundle, modelName, reportDir, reportDir.replaceAll("/+$", "")
        + "/embeddings", dims, seed, retrieval, Map.of(), tasks, driverFitRows, engine,
        maxLength);
  }

  /** Whether some task is embedded by the job (so a model is needed). */
  public boolean needsModel() {
    return tasks.stream().anyMatch(t -> t.embeddings() == null);
  }

  /** The model's name in the report. */
  public String modelName() {
    if (!blank(name)) {
      return name;
    }
    if (blank(model)) {
      return "embeddings";
    }
    String m = model.replaceAll("/+$", "");
    return m.substring(m.lastIndexOf('/') + 1);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

}
