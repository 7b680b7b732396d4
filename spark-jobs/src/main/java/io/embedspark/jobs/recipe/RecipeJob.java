package io.embedspark.jobs.recipe;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.config.YamlConfig;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.report.EvalReport;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.JsonFiles;
import io.embedspark.io.TextFiles;
import io.embedspark.jobs.demo.ReportTable;
import io.embedspark.jobs.eval.EvalConfig;
import io.embedspark.jobs.eval.EvalJob;
import io.embedspark.jobs.eval.GreedySoup;
import io.embedspark.jobs.eval.SuiteSize;
import io.embedspark.jobs.mine.MineConfig;
import io.embedspark.jobs.mine.MineJob;
import io.embedspark.jobs.train.TrainJob;
import io.embedspark.jobs.train.TrainJobConfig;
import io.embedspark.model.ProcessMemory;
import io.embedspark.train.ModelSoup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * The whole recipe (Lee et al. 2025, "Gemini Embedding", arXiv 2503.07891) as one run: import
 * the pretrained start; pre-finetune on (title, passage) pairs with large in-batch-negative
 * batches; mine hard negatives with the pre-finetuned model; finetune on a task-homogeneous
 * mixture that includes the mined triples, evaluating every checkpoint on dev tasks; the greedy
 * soup of those checkpoints (Wortsman et al. 2022, arXiv 2203.05482); and the test suite for the
 * start, each stage and the soup, ending with one table beside BM25 in {@code <work>/results.md}.
 *
 * <p>Each stage is the job of the same name on the stage's own config; the recipe sets its
 * model and output under {@code work}. A rerun resumes: a finished stage (its bundle, mine
 * report or eval report on disk) is skipped, and an interrupted training stage resumes from its
 * newest checkpoint.
 */
public final class RecipeJob {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The pre-finetune checkpoint the later stages start from, under {@code work}. */
  static final String HANDED_ON = "prefinetuned";
  /** Which checkpoint that is and why, one line, under {@code work}. */
  static final String HANDED_ON_NOTE = "prefinetuned.txt";

  private final SparkSession spark;
  private final RecipeConfig config;
  private final Consumer<String> progress;
  private final Path work;
  private final long started = System.nanoTime();
  private final RecipeClock clock = new RecipeClock();
  private int stage;
  private int stages;

  public RecipeJob(SparkSession spark, RecipeConfig config, Consumer<String> progress) {
    this.spark = spark;
    this.config = config;
    this.progress = progress;
    this.work = Path.of(config.work());
  }

  /** The stage configs, loaded and checked before anything runs. */
  private record Stages(TrainJobConfig prefinetune, MineConfig mine, TrainJobConfig finetune,
      EvalConfig dev, EvalConfig test) {}

  /**
   * One stage: what it is, the file whose existence shows it finished, its work for the
   * estimate of the time left ({@link RecipeClock}) and the work itself.
   */
  private record Stage(String what, Path done, RecipeClock.Work size, Runnable work) {}

  /** Runs every stage and returns the test reports by model, in the table's order. */
  public Map<String, EvalReport> run() {
    Stages s = load();
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // The suites' files are read to count their texts only when a stage still has to embed them.
    Path fineRun = Path.of(s.finetune().runDir());
    boolean devLeft = !Files.exists(fineRun.resolve("model/config.json"))
        || config.evaluate().contains("soup") && !Files.exists(work.resolve("soup/config.json"));
    long devTexts = s.dev() == null || !devLeft ? 0 : SuiteSize.texts(s.dev(), hadoop);
    boolean testLeft = config.evaluate().stream().anyMatch(
        name -> !Files.exists(work.resolve("eval-" + name).resolve("report.json")));
    long testTexts = testLeft ? SuiteSize.texts(s.test(), hadoop) : 0;
    List<Stage> plan = new ArrayList<>();
    Path start = work.resolve("start");
    checkFinishedStart(start);
    plan.add(new Stage("import " + config.start().model(), start.resolve("config.json"),
        RecipeClock.Work.NONE, () -> importStart(s, start)));
    Path preRun = Path.of(s.prefinetune().runDir());
    plan.add(new Stage("pre-finetune", preRun.resolve("model/config.json"),
        RecipeWork.training(s.prefinetune(), 0, 0),
        () -> new TrainJob(spark, s.prefinetune(), this::relay).run()));
    Path handedOn = work.resolve(HANDED_ON);
    plan.add(new Stage("hand on the " + config.prefinetuneCheckpoint()
        + " pre-finetune checkpoint", handedOn.resolve("config.json"), RecipeClock.Work.NONE,
        () -> handOn(preRun, handedOn)));
    double minedNegatives = 0;
    if (s.mine() != null) {
      Path mined = Path.of(s.mine().output()).resolve("_mine_report.json");
      plan.add(new Stage("mine hard negatives", mined,
          new RecipeClock.Work(0, Files.exists(mined) ? 0 : 2.0 * mineRows(s.mine())),
          () -> new MineJob(spark, s.mine(), this::relay).run()));
      minedNegatives = RecipeWork.negativesPerExample(s.finetune(), config.mined().name(),
          s.mine().negatives());
    }
    plan.add(new Stage("finetune", fineRun.resolve("model/config.json"),
        RecipeWork.training(s.finetune(), minedNegatives, devTexts),
        () -> new TrainJob(spark, s.finetune(), this::relay).run()));
    Map<String, Path> models = new LinkedHashMap<>();
    models.put("zero-shot", start);
    models.put("prefinetune", handedOn);
    models.put("finetune", fineRun.resolve("model"));
    if (config.evaluate().contains("soup")) {
      Path soup = work.resolve("soup");
      plan.add(new Stage("greedy soup of the finetune checkpoints", soup.resolve("config.json"),
          new RecipeClock.Work(0, Math.max(0, RecipeWork.checkpoints(s.finetune()) - 1)
              * (double) devTexts), () -> {
            ModelSoup.Greedy greedy = GreedySoup.fromRuns(spark, List.of(fineRun), s.dev(), null,
                work, this::relay);
            greedy.soup().write(soup, false);
          }));
      models.put("soup", soup);
    }
    for (String name : config.evaluate()) {
      Path out = work.resolve("eval-" + name);
      plan.add(new Stage("test suite: " + name, out.resolve("report.json"),
          new RecipeClock.Work(0, testTexts),
          () -> new EvalJob(spark, testConfig(s.test(), models.get(name), name, out),
              this::relay).run()));
    }
    stages = plan.size();
    for (int i = 0; i < plan.size(); i++) {
      runStage(plan.get(i), plan.subList(i, plan.size()));
    }
    Map<String, EvalReport> reports = new LinkedHashMap<>();
    for (String name : config.evaluate()) {
      reports.put(name, EvalReport.read(work.resolve("eval-" + name).resolve("report.json")));
    }
    String table = ReportTable.comparison(reports, reports.values().iterator().next()
        .baselines().getOrDefault("bm25", Map.of()));
    writeResults(table);
    System.out.print(table);
    log("done in %s; the table is in %s", minutes(System.nanoTime() - started),
        work.resolve("results.md"));
    return reports;
  }

  /**
   * A rerun skips the start a work directory already holds, so that start must be the one the
   * config asks for: a changed {@code start.max_length}, {@code start.layers} or
   * {@code start.matryoshka_dims} is refused, naming the key, rather than silently trained on
   * with the old one.
   */
  private void checkFinishedStart(Path start) {
    Path file = start.resolve(CheckpointBundle.CONFIG);
    if (!Files.exists(file)) {
      return;
    }
    BundleConfig have = JsonFiles.read(file, BundleConfig.class).validated(file.toString());
    RecipeConfig.Start want = config.start();
    List<String> problems = new ArrayList<>();
    int length = have.model().sequenceLength(want.maxLength());
    if (have.maxSequenceLength() != length) {
      problems.add("start.max_length = " + want.maxLength() + ", but it was imported at "
          + have.maxSequenceLength() + " tokens");
    }
    if (want.layers() > 0 && have.model().numLayers() != want.layers()) {
      problems.add("start.layers = " + want.layers() + ", but it has "
          + have.model().numLayers());
    }
    if (!want.matryoshkaDims().isEmpty()
        && !want.matryoshkaDims().equals(have.model().matryoshkaDims())) {
      problems.add("start.matryoshka_dims = " + want.matryoshkaDims() + ", but it has "
          + have.model().matryoshkaDims());
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException("work = " + work + " holds a start model (" + start
          + ") that this config did not ask for: " + String.join("; ", problems)
          + ". Set work to another directory for the changed recipe, or the keys back");
    }
  }

  private void importStart(Stages s, Path start) {
    CheckpointBundle bundle = PretrainedStart.open(config.start().model(),
        config.start().layers(), config.start().maxLength(),
        config.start().matryoshkaDims(), s.prefinetune().train().seed());
    bundle.write(start, false);
    log("start: %d layers x %d, %s pooling, Matryoshka dims %s, max %d tokens, in %s",
        bundle.config().model().numLayers(), bundle.config().model().hiddenSize(),
        bundle.config().model().pooling().key(), bundle.config().model().matryoshkaDims(),
        bundle.config().maxSequenceLength(), start);
  }

  /**
   * Copies the pre-finetune checkpoint the later stages start from ({@link HandOn}) to
   * {@code handedOn}. The reason goes to {@value #HANDED_ON_NOTE} first, for the results page,
   * then the bundle, whose presence marks the stage done.
   */
  private void handOn(Path preRun, Path handedOn) {
    HandOn choice = HandOn.choose(preRun, config.prefinetuneCheckpoint());
    TextFiles.writeAtomically(work.resolve(HANDED_ON_NOTE), choice.note() + "\n");
    CheckpointBundle.read(choice.model()).write(handedOn, false);
    log("pre-finetuned model: %s", choice.note());
  }

  /**
   * The rows the mine job reads (its queries, and at most as many distinct passages); 0 when
   * they cannot be counted, so the mine job itself reports what is wrong with its input.
   */
  private long mineRows(MineConfig mine) {
    String path = mine.input().path();
    try {
      return "parquet".equalsIgnoreCase(mine.input().format()) || !path.contains(".json")
          ? spark.read().parquet(path).count()
          : SuiteSize.rows(path, spark.sparkContext().hadoopConfiguration());
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private Stages load() {
    String start = work.resolve("start").toString();
    String preRun = work.resolve("prefinetune").toString();
    String preModel = work.resolve(HANDED_ON).toString();
    TrainJobConfig pre = YamlConfig.load(Path.of(config.prefinetune()),
        List.of(set("model", start), set("run_dir", preRun)), TrainJobConfig.class);
    MineConfig mine = null;
    if (!config.mine().isBlank()) {
      String triples = work.resolve("mine/triples").toString();
      mine = YamlConfig.load(Path.of(config.mine()), List.of(set("model", preModel),
          set("output", triples), set("work", work.resolve("mine/work").toString())),
          MineConfig.class);
    }
    TrainJobConfig fine = YamlConfig.load(Path.of(config.finetune()),
        List.of(set("model", preModel), set("run_dir", work.resolve("finetune").toString())),
        TrainJobConfig.class);
    if (mine != null) {
      List<TrainJobConfig.Dataset> mixture = new ArrayList<>(fine.datasets());
      mixture.add(new TrainJobConfig.Dataset(config.mined().name(), mine.output(), "jsonl",
          config.mined().weight(), config.mined().task(),
          new TrainJobConfig.Fields("id", "task", "query", "positive", "negatives")));
      fine = new TrainJobConfig(fine.stage(), fine.model(), fine.runDir(), mixture,
          fine.tokenizer(), fine.train(), fine.distributed(), fine.eval());
    }
    if (config.evaluate().contains("soup") && fine.eval() == null) {
      throw new InvalidInputException(config.finetune() + ": eval.config must name a dev "
          + "suite; the greedy soup chooses checkpoints by it (or drop soup from evaluate)");
    }
    EvalConfig dev = fine.eval() == null ? null
        : YamlConfig.load(Path.of(fine.eval().config()), List.of(), EvalConfig.class);
    EvalConfig test = YamlConfig.load(Path.of(config.test()), List.of(), EvalConfig.class);
    return new Stages(pre, mine, fine, dev, test);
  }

  /** The test suite for one model, named in reports, into {@code out}. */
  private static EvalConfig testConfig(EvalConfig t, Path model, String name, Path out) {
    return new EvalConfig(model.toString(), name, out.toString(), null,
        t.dims(), t.seed(), t.retrieval(), Map.of(), t.tasks(), t.driverFitRows(), t.engine());
  }

  /** A {@code key=value} override whose value is a YAML string whatever characters it has. */
  private static String set(String key, String value) {
    try {
      return key + "=" + JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code st} unless its {@code done} file shows it finished in an earlier run of the same
   * work directory (and says so), announcing it with the estimated time left for it and the
   * unfinished stages after it ({@code rest}), then times it for the next estimates.
   */
  private void runStage(Stage st, List<Stage> rest) {
    stage++;
    String elapsed = minutes(System.nanoTime() - started);
    if (Files.exists(st.done())) {
      log("stage %d/%d %s: done before (%s), skipped", stage, stages, st.what(), st.done());
      return;
    }
    // The last stage's models, optimiser state and executor replicas are garbage now, but ND4J
    // frees their native memory (gigabytes for a multilingual model) only once the collector
    // reaches them, and with small Java objects in a large heap that can be never.
    System.gc();
    RecipeClock.Work left = rest.stream().filter(r -> !Files.exists(r.done()))
        .map(Stage::size).reduce(RecipeClock.Work.NONE, RecipeClock.Work::plus);
    java.util.OptionalDouble eta = clock.secondsFor(left);
    log("stage %d/%d %s (%s elapsed, %.1f GB resident%s)", stage, stages, st.what(), elapsed,
        ProcessMemory.residentMegabytes() / 1024.0, eta.isPresent()
            ? "; about " + minutes((long) (eta.getAsDouble() * 1e9)) + " left" : "");
    long t0 = System.nanoTime();
    st.work().run();
    clock.timed(st.size(), (System.nanoTime() - t0) / 1e9);
  }

  private void writeResults(String table) {
    StringBuilder b = new StringBuilder("# Recipe results\n\nStart: `")
        .append(config.start().model()).append("`; each cell is the task's main metric on the "
            + "test suite; stages in `").append(work).append("`.\n\n```\n").append(table)
        .append("```\n");
    Path note = work.resolve(HANDED_ON_NOTE);
    if (Files.exists(note)) {
      b.append("\nPre-finetuned model (`prefinetune`): ")
          .append(CheckpointBundle.readString(note).strip()).append('\n');
    }
    TextFiles.writeAtomically(work.resolve("results.md"), b);
  }

  private void relay(String line) {
    progress.accept("  " + line);
  }

  private void log(String format, Object... args) {
    progress.accept(String.format(Locale.ROOT, format, args));
  }

  private static String minutes(long nanos) {
    long s = nanos / 1_000_000_000L;
    return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
