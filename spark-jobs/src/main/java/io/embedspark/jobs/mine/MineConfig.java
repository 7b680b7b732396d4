package io.embedspark.jobs.mine;

import io.embedspark.config.Checks;
import io.embedspark.config.Choice;
import io.embedspark.data.TaskPrompts;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code mine} job's settings, as in {@code conf/mine.yaml}; bad values are reported with
 * their dotted key.
 *
 * @param model checkpoint bundle that embeds queries and passages
 * @param input the (query, positive) pairs
 * @param output directory of the triples (JSON lines, the finetune format plus scores)
 * @param work directory of the embeddings the job computes; default {@code <output>-work}
 * @param dim Matryoshka dim to search at; 0 for the model's full dim
 * @param rankFrom first rank (1 = nearest) from which negatives are taken
 * @param rankTo last rank considered
 * @param negatives negatives kept per query
 * @param sampling {@code top} (the nearest surviving candidates) or {@code random} (seeded)
 * @param margin a candidate is a likely false negative when its score exceeds the positive's
 *     minus this margin
 * @param maxScore a candidate scoring above this ceiling is a likely false negative
 * @param seed seed of random sampling
 * @param engine the inference engine that embeds queries and passages: {@code nd4j} (default)
 *     or {@code onnxruntime}, as in the embed job
 * @param task the task the finetune trains the triples as ({@code retrieval}, the default,
 *     {@code classification}, {@code clustering}, {@code sts} or {@code bitext}): queries and
 *     passages are embedded with the prompts training gives that task, so the negatives are the
 *     ones the finetuned model confuses
 * @param maxLength tokens per text the model embeds, up to its positions; default: the
 *     bundle's own
 */
public record MineConfig(String model, Input input, String output, String work, Integer dim,
    Integer rankFrom, Integer rankTo, Integer negatives, String sampling, Double margin,
    Double maxScore, Long seed, String engine, String task, Integer maxLength) {

  /** With the bundle's maximum length. */
  public MineConfig(String model, Input input, String output, String work, Integer dim,
      Integer rankFrom, Integer rankTo, Integer negatives, String sampling, Double margin,
      Double maxScore, Long seed, String engine, String task) {
    this(model, input, output, work, dim, rankFrom, rankTo, negatives, sampling, margin,
        maxScore, seed, engine, task, null);
  }

  /** The tasks training has prompts for ({@link TaskPrompts#gemini}), retrieval first. */
  public static final List<String> TASKS = TaskPrompts.gemini().taskNames();

  /** Retrieval pairs. */
  public MineConfig(String model, Input input, String output, String work, Integer dim,
      Integer rankFrom, Integer rankTo, Integer negatives, String sampling, Double margin,
      Double maxScore, Long seed, String engine) {
    this(model, input, output, work, dim, rankFrom, rankTo, negatives, sampling, margin,
        maxScore, seed, engine, null);
  }

  /** With the default inference engine. */
  public MineConfig(String model, Input input, String output, String work, Integer dim,
      Integer rankFrom, Integer rankTo, Integer negatives, String sampling, Double margin,
      Double maxScore, Long seed) {
    this(model, input, output, work, dim, rankFrom, rankTo, negatives, sampling, margin,
        maxScore, seed, null);
  }

  /**
   * @param path JSON lines or Parquet, any Hadoop file system
   * @param format {@code jsonl} or {@code parquet}
   * @param id id column
   * @param query query column
   * @param positive positive passage column
   * @param where keep only rows whose columns equal these values (e.g. {@code split: train})
   */
  public record Input(String path, String format, String id, String query, String positive,
      java.util.Map<String, String> where) {
    /** Every row of the file. */
    public Input(String path, String format, String id, String query, String positive) {
      this(path, format, id, query, positive, java.util.Map.of());
    }

    /** The format as a constant (checked at load). */
    public PairFormat formatChoice() {
      return Choice.parse(PairFormat.class, "input.format", format);
    }
  }

  /** {@code input.format}. */
  public enum PairFormat implements Choice {
    JSONL, PARQUET;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code sampling}: the nearest surviving candidates, or a seeded random sample of them. */
  public enum Sampling implements Choice {
    TOP, RANDOM;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The sampling as a constant (checked at load). */
  public Sampling samplingChoice() {
    return Choice.parse(Sampling.class, "sampling", sampling);
  }

  public MineConfig {
    input = input == null ? new Input(null, null, null, null, null) : input;
    input = new Input(input.path(), Checks.lower(input.format(), "jsonl"),
        Checks.or(input.id(), "id"), Checks.or(input.query(), "query"),
        Checks.or(input.positive(), "positive"), input.where() == null ? java.util.Map.of()
        : java.util.Map.copyOf(input.where()));
    output = Checks.or(output, "runs/mine/triples");
    work = Checks.or(work, output.replaceAll("/+$", "") + "-work");
    dim = dim == null ? 0 : dim;
    rankFrom = rankFrom == null ? 3 : rankFrom;
    rankTo = rankTo == null ? 50 : rankTo;
    negatives = negatives == null ? 3 : negatives;
    sampling = Checks.lower(sampling, "top");
    margin = margin == null ? 0.05 : margin;
    maxScore = maxScore == null ? 0.95 : maxScore;
    seed = seed == null ? 42L : seed;
    task = Checks.lower(task, TaskPrompts.DEFAULT_TASK);
    List<String> p = new ArrayList<>();
    if (!TASKS.contains(task)) {
      p.add("task = '" + task + "' must be one of " + String.join(", ", TASKS));
    }
    try {
      engine = io.embedspark.embed.InferenceEngine.parse("engine", engine).key();
    } catch (InvalidInputException e) {
      p.add(e.getMessage());
    }
    if (model == null || model.isBlank()) {
      p.add("model must name a checkpoint bundle");
    }
    if (input.path() == null || input.path().isBlank()) {
      p.add("input.path must name the pairs");
    }
    Checks.oneOf(p, "input.format", input.format(), PairFormat.class);
    if (dim < 0) {
      p.add("dim = " + dim + " must be 0 (full) or a Matryoshka dim");
    }
    if (rankFrom < 1 || rankTo < rankFrom) {
      p.add("rank_from = " + rankFrom + " and rank_to = " + rankTo
          + " must satisfy 1 <= rank_from <= rank_to");
    }
    Checks.positive(p, "negatives", negatives);
    if (maxLength != null) {
      Checks.positive(p, "max_length", maxLength);
    }
    Checks.oneOf(p, "sampling", sampling, Sampling.class);
    if (margin.isNaN() || maxScore.isNaN()) {
      p.add("margin and max_score must be numbers");
    }
    if (!p.isEmpty()) {
      throw new InvalidInputException(String.join("; ", p));
    }
  }
}
