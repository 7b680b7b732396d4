package io.embedspark.jobs;

import io.embedspark.data.JsonlTexts;
import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.BitextMining;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ModelSources;
import io.embedspark.io.PresetModels;
import io.embedspark.io.ProjectionInit;
import io.embedspark.jobs.train.TrainJob;
import io.embedspark.jobs.train.TrainJobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The end-to-end run on the bundled sample: get a model (train a WordPiece vocabulary and
 * initialise a preset, or import a pretrained checkpoint), train it contrastively on the sample's
 * pairs on the driver (single machine, for now), write it as a bundle, embed the sample
 * retrieval corpus, queries and bitext on Spark into Parquet, and print nearest neighbours,
 * recall@10 and bitext-mining F1.
 */
public final class DemoJob {
  private static final List<String> BITEXT_LANGUAGES = List.of("de", "fr");

  private DemoJob() {}

  /** Settings of the run; {@code model} is a preset name, a path or {@code mbert}. */
  public record Options(Path sample, Path workDir, String model, int vocabSize, int maxLength,
      int layers, long seed, int trainSteps) {}

  /** What the run measured. */
  public record Summary(int parameters, double recallAt10, Map<String, Double> bitextF1) {}

  public static Summary run(Options o, SparkSession spark) {
    CheckpointBundle bundle = train(o, prepareModel(o), spark);
    Path modelDir = o.workDir().resolve("model");
    bundle.write(modelDir, true);
    log("model: %s, %d layers x %d, %d parameters, written to %s", o.model(),
        bundle.config().model().numLayers(), bundle.config().model().hiddenSize(),
        bundle.parameters().count(), modelDir);
    Model model = new Model(modelDir, bundle.config().model().outputDim());
    double recall = retrieval(o, spark, model);
    Map<String, Double> f1 = new java.util.TreeMap<>();
    for (String lang : BITEXT_LANGUAGES) {
      f1.put("en-" + lang, bitext(o, spark, model, lang));
    }
    long t0 = System.nanoTime();
    try (io.embedspark.model.EmbeddingModel m = bundle.toModel(
        org.nd4j.linalg.api.buffer.DataType.FLOAT)) {
      SampleSuite.evaluate(o.sample(), m).forEach((k, v) -> log("%-40s %.3f", k, v));
    }
    log("classification and clustering evaluated in %.1f s", (System.nanoTime() - t0) / 1e9);
    log("summary: recall@10 = %.3f, bitext F1 %s", recall, f1);
    return new Summary((int) bundle.parameters().count(), recall, f1);
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
    TrainJobConfig pre = new TrainJobConfig("prefinetune", init.toString(),
        o.workDir().resolve("prefinetune").toString(), List.of(pairs), tokenizer,
        trainSettings(o.trainSteps(), 32, 1e-3, o.seed()), null);
    new TrainJob(spark, pre, line -> log("%s", line)).run();
    List<TrainJobConfig.Dataset> mixture = new ArrayList<>(List.of(pairs));
    for (String lang : BITEXT_LANGUAGES) {
      mixture.add(new TrainJobConfig.Dataset("bitext-" + lang + "-en",
          o.sample().resolve("bitext/train_en-" + lang + ".jsonl").toString(), "jsonl", 1.0,
          "bitext", new TrainJobConfig.Fields("id", null, "xx", "en", null)));
    }
    TrainJobConfig fine = new TrainJobConfig("finetune",
        o.workDir().resolve("prefinetune/model").toString(),
        o.workDir().resolve("finetune").toString(), mixture, tokenizer,
        trainSettings(Math.max(1, o.trainSteps() / 2), 16, 5e-4, o.seed() + 1), null);
    return new TrainJob(spark, fine, line -> log("%s", line)).run();
  }

  private static TrainJobConfig.Train trainSettings(int steps, int batch, double lr, long seed) {
    return new TrainJobConfig.Train(steps, batch, 32, lr, Math.max(1, steps / 10), 0.1, 0.01,
        1.0, 0.05, List.of(), true, steps, seed);
  }

  static CheckpointBundle prepareModel(Options o) {
    if (PresetModels.isPreset(o.model())) {
      return initialise(o);
    }
    CheckpointBundle imported = ModelSources.open(o.model(), new ImportOptions(0,
        List.of(), o.maxLength(), ProjectionInit.IDENTITY, o.seed()));
    return o.layers() > 0 ? imported.withFirstLayers(o.layers()) : imported;
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

  private static double retrieval(Options o, SparkSession spark, Model model) {
    Path dir = o.sample().resolve("retrieval");
    Path out = o.workDir().resolve("embeddings");
    Map<String, float[]> docs = TextEmbedding.embedJsonl(spark, model.dir(), model.outputDim(),
        dir.resolve("corpus.jsonl").toString(), "_id", "text", "title", PromptTemplate.DOCUMENT,
        out.resolve("corpus").toString());
    log("embedded the sample corpus with the embed job: %d documents in %s", docs.size(),
        out.resolve("corpus"));
    Map<String, float[]> queries = TextEmbedding.embedJsonl(spark, model.dir(),
        model.outputDim(), dir.resolve("queries.jsonl").toString(), "_id", "text", null,
        PromptTemplate.SEARCH_QUERY, out.resolve("queries").toString());
    SampleRetrieval retrieval = new SampleRetrieval(dir, docs, queries);
    double recall = retrieval.printNeighboursAndRecall(3, 10);
    retrieval.printAgainstBm25(dir);
    return recall;
  }

  private static double bitext(Options o, SparkSession spark, Model model, String lang) {
    Path file = o.sample().resolve("bitext/mining_test_en-" + lang + ".jsonl");
    Path out = o.workDir().resolve("embeddings");
    Map<String, float[]> en = TextEmbedding.embedJsonl(spark, model.dir(), model.outputDim(),
        file.toString(), "id", "en", null, PromptTemplate.NONE,
        out.resolve("bitext-en-" + lang + "-en").toString());
    Map<String, float[]> xx = TextEmbedding.embedJsonl(spark, model.dir(), model.outputDim(),
        file.toString(), "id", "xx", null, PromptTemplate.NONE,
        out.resolve("bitext-en-" + lang + "-" + lang).toString());
    List<String> ids = new ArrayList<>(en.keySet());
    java.util.Collections.sort(ids);
    float[][] source = ids.stream().map(xx::get).toArray(float[][]::new);
    float[][] target = ids.stream().map(en::get).toArray(float[][]::new);
    int[] predicted = BitextMining.match(source, target);
    double f1 = BitextMining.f1(predicted);
    log("bitext mining %s->en: %d pairs, F1 = %.3f (chance %.3f)", lang, ids.size(), f1,
        1.0 / ids.size());
    return f1;
  }

  static void log(String format, Object... args) {
    System.out.println("[embedspark] " + String.format(Locale.ROOT, format, args));
  }
}
