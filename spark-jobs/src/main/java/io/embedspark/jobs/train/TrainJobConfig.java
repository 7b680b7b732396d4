package io.embedspark.jobs.train;

import static io.embedspark.config.Checks.or;

import io.embedspark.config.Checks;
import io.embedspark.config.Choice;
import io.embedspark.data.TrainingData;
import io.embedspark.error.InvalidInputException;
import io.embedspark.train.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code train} job's settings, as in {@code conf/prefinetune.yaml} and
 * {@code conf/finetune.yaml} (every key is documented there). Missing keys take the defaults
 * below; bad values are reported with their dotted keys.
 *
 * @param stage {@code prefinetune} or {@code finetune}, recorded in checkpoints' provenance
 * @param model where training starts: a preset ({@code tiny}, {@code small}, {@code base}), a
 *     checkpoint bundle (the pre-finetuned model, for the finetune stage), {@code mbert}, or a
 *     Hugging Face / sentence-transformers / TensorFlow checkpoint
 * @param runDir checkpoints, {@code metrics.jsonl} and the final bundle ({@code model/})
 * @param datasets one dataset, or a mixture: each batch comes from one dataset
 * @param tokenizer vocabulary and length for presets (and the length for imports)
 * @param train optimisation settings
 * @param distributed where the steps run
 * @param eval evaluation of every checkpoint on dev tasks; none when absent
 */
public record TrainJobConfig(String stage, String model, String runDir, List<Dataset> datasets,
    Tokenizer tokenizer, Train train, Distributed distributed, Eval eval) {

  /**
   * @param config an eval job configuration (e.g. {@code conf/eval-dev.yaml}); its {@code model},
   *     {@code name} and {@code output} are set per checkpoint
   * @param metric the report key that ranks checkpoints (e.g. {@code debian-dev/ndcg@10/d256});
   *     default: the first task's main metric at the largest dim
   */
  public record Eval(String config, String metric) {}

  /**
   * @param name names the dataset in messages and logs
   * @param path JSON lines or Parquet, any Hadoop file system
   * @param format {@code jsonl} or {@code parquet}; default from the extension
   * @param weight sampling weight in the mixture
   * @param task prompt task of rows without a task column ({@code TaskPrompts})
   * @param fields column names
   * @param where keep only rows whose columns equal these values (e.g. {@code split: train});
   *     empty for every row
   */
  public record Dataset(String name, String path, String format, Double weight, String task,
      Fields fields, java.util.Map<String, String> where) {
    /** Every row of the file. */
    public Dataset(String name, String path, String format, Double weight, String task,
        Fields fields) {
      this(name, path, format, weight, task, fields, java.util.Map.of());
    }
  }

  /** Column names of a dataset's rows. */
  public record Fields(String id, String task, String query, String positive, String negatives) {
    TrainingData.Fields toFields() {
      return new TrainingData.Fields(id, task, query, positive, negatives);
    }
  }

  /** @param vocabSize WordPiece vocabulary trained for a preset; maxLength tokens per text */
  public record Tokenizer(Integer vocabSize, Integer maxLength) {}

  /** Optimisation settings; see {@link TrainerConfig}. */
  public record Train(Integer steps, Integer globalBatchSize, Integer chunkSize,
      Double learningRate, Integer warmupSteps, Double finalLearningRateFraction,
      Double weightDecay, Double maxGradNorm, Double temperature, List<Double> matryoshkaWeights,
      Boolean dropout, Integer checkpointEvery, Long seed, Boolean duplicateMask) {}

  /**
   * @param mode {@code global-batch} (one contrastive batch across executors, the default),
   *     {@code parameter-averaging} (local steps per executor, then averaging) or {@code local}
   *     (every step on the driver)
   * @param shards Spark tasks per pass of a global-batch step, or replicas of parameter
   *     averaging; 0 for Spark's default parallelism
   * @param averagingSteps local steps per executor between averagings (parameter averaging)
   */
  public record Distributed(String mode, Integer shards, Integer averagingSteps) {
    /** The mode as a constant (checked at load). */
    public Mode modeChoice() {
      return Choice.parse(Mode.class, "distributed.mode", mode);
    }
  }

  /** {@code distributed.mode}. */
  public enum Mode implements Choice {
    GLOBAL_BATCH, PARAMETER_AVERAGING, LOCAL;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** {@code datasets[i].format}. */
  public enum DataFormat implements Choice {
    JSONL, PARQUET;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code stage}: the recipe's two training stages. */
  public enum Stage implements Choice {
    PREFINETUNE, FINETUNE;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final List<String> MODES = Choice.keys(Mode.class);

  public TrainJobConfig {
    List<String> p = new ArrayList<>();
    stage = Checks.lower(stage, "prefinetune");
    Checks.oneOf(p, "stage", stage, Stage.class);
    if (model == null || model.isBlank()) {
      p.add("model must name a preset, a bundle or a checkpoint");
    }
    runDir = runDir == null || runDir.isBlank() ? "runs/" + stage : runDir;
    datasets = datasets == null ? List.of() : datasets;
    List<Dataset> resolved = new ArrayList<>();
    for (int i = 0; i < datasets.size(); i++) {
      Dataset d = datasets.get(i);
      String key = "datasets[" + i + "]";
      if (d == null || d.path() == null || d.path().isBlank()) {
        p.add(key + ".path must name the rows");
        continue;
      }
      String format = d.format() != null ? d.format().toLowerCase(Locale.ROOT)
          : d.path().replaceAll("/+$", "").endsWith(".parquet") ? "parquet" : "jsonl";
      Checks.oneOf(p, key + ".format", format, DataFormat.class);
      double weight = d.weight() == null ? 1.0 : d.weight();
      if (!(weight > 0) || Double.isInfinite(weight)) {
        p.add(key + ".weight = " + weight + " must be positive");
      }
      Fields f = d.fields() == null ? new Fields(null, null, null, null, null) : d.fields();
      resolved.add(new Dataset(d.name() == null ? "dataset" + i : d.name(), d.path(), format,
          weight, d.task() == null ? "default" : d.task(), new Fields(or(f.id(), "id"),
          or(f.task(), "task"), or(f.query(), "query"), or(f.positive(), "positive"),
          or(f.negatives(), "negatives")), d.where() == null ? java.util.Map.of()
          : java.util.Map.copyOf(d.where())));
    }
    datasets = List.copyOf(resolved);
    if (datasets.isEmpty() && p.stream().noneMatch(x -> x.startsWith("datasets["))) {
      p.add("datasets must list at least one dataset");
    }
    tokenizer = tokenizer == null ? new Tokenizer(null, null) : tokenizer;
    tokenizer = new Tokenizer(or(tokenizer.vocabSize(), 8000), or(tokenizer.maxLength(), 64));
    train = train == null ? new Train(null, null, null, null, null, null, null, null, null, null,
        null, null, null, null) : train;
    int steps = or(train.steps(), 100);
    train = new Train(steps, or(train.globalBatchSize(), 32), or(train.chunkSize(), 32),
        or(train.learningRate(), 1e-3), or(train.warmupSteps(), Math.max(1, steps / 10)),
        or(train.finalLearningRateFraction(), 0.1), or(train.weightDecay(), 0.01),
        or(train.maxGradNorm(), 1.0), or(train.temperature(), 0.05),
        train.matryoshkaWeights() == null ? List.of() : train.matryoshkaWeights(),
        train.dropout() == null || train.dropout(), or(train.checkpointEvery(), 50),
        train.seed() == null ? 42L : train.seed(),
        train.duplicateMask() == null || train.duplicateMask());
    distributed = distributed == null ? new Distributed(null, null, null) : distributed;
    distributed = new Distributed(Checks.lower(distributed.mode(), "global-batch"),
        or(distributed.shards(), 0), or(distributed.averagingSteps(), 4));
    Checks.positive(p, "distributed.averaging_steps", distributed.averagingSteps());
    Checks.oneOf(p, "distributed.mode", distributed.mode(), Mode.class);
    if (distributed.shards() < 0) {
      p.add("distributed.shards = " + distributed.shards() + " must be 0 or positive");
    }
    try {
      trainerConfig(train);
    } catch (InvalidInputException e) {
      p.add(e.getMessage());
    }
    if (eval != null && (eval.config() == null || eval.config().isBlank())) {
      eval = null;
    } else if (eval != null && eval.metric() != null && eval.metric().isBlank()) {
      eval = new Eval(eval.config(), null);
    }
    if (tokenizer.maxLength() <= 2) {
      p.add("tokenizer.max_length = " + tokenizer.maxLength() + " must be more than 2");
    }
    if (!p.isEmpty()) {
      throw new InvalidInputException(String.join("; ", p));
    }
  }

  /** The optimisation settings; their own checks name {@code train.*} keys. */
  public TrainerConfig trainerConfig() {
    return trainerConfig(train);
  }

  /** The one conversion of the YAML's {@code train} section into the trainer's settings. */
  private static TrainerConfig trainerConfig(Train t) {
    return new TrainerConfig(t.steps(), t.globalBatchSize(), t.chunkSize(), t.learningRate(),
        t.warmupSteps(), t.finalLearningRateFraction(), t.weightDecay(), t.maxGradNorm(),
        t.temperature(), t.matryoshkaWeights(), t.dropout(), t.checkpointEvery(), t.seed(),
        t.duplicateMask());
  }
}
