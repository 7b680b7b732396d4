package io.embedspark.jobs.embed;

import io.embedspark.config.Checks;
import io.embedspark.config.Choice;
import io.embedspark.data.PromptTemplate;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.error.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code embed} job's settings, as in {@code conf/embed.yaml} (every key is documented there
 * and in docs/EMBED.md). Missing sections and keys take the defaults below; every value is checked
 * and a bad one is reported with its dotted key.
 *
 * @param model checkpoint bundle directory, on any Hadoop file system
 * @param input what to read
 * @param prompt {@code document}, {@code query}, {@code none}, or a template with {@code {text}}
 *     and optionally {@code {title}}; {@code query} and {@code document} are the model's own
 *     prompts when its bundle declares them (e5's {@code query: } and {@code passage: }), else
 *     Gemini's
 * @param output what to write
 * @param batching how to batch texts within a partition
 * @param limits what to do with texts the model cannot take as they are
 * @param engine {@code nd4j} (default) or {@code onnxruntime} ({@link InferenceEngine})
 */
public record EmbedConfig(String model, Input input, String prompt, Output output,
    Batching batching, Limits limits, String engine) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * @param path file or directory, any Hadoop file system ({@code file:}, {@code hdfs:}, ...)
   * @param format {@code parquet}, {@code jsonl} or {@code beir} (a BEIR {@code corpus.jsonl}:
   *     {@code _id}, {@code title}, {@code text})
   * @param id id column (any type; written as a string)
   * @param text text column
   * @param title optional title column; empty for none
   */
  public record Input(String path, String format, String id, String text, String title)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The format as a constant (checked at load). */
    public Format formatChoice() {
      return Choice.parse(Format.class, "input.format", format);
    }
  }

  /**
   * @param path output directory of the embeddings (Parquet)
   * @param rejects output directory of rejected rows (Parquet: id, reason, detail); default
   *     {@code <path>-rejects}
   * @param mode {@code error} (refuse to replace existing output) or {@code overwrite}
   * @param dims Matryoshka dims to write, each as {@code embedding_d<dim>}; default: the model's
   * @param int8 also write {@code int8_d<dim>} (scalar-quantised) columns
   * @param binary also write {@code binary_d<dim>} (sign bits) columns
   */
  public record Output(String path, String rejects, String mode, List<Integer> dims,
      Boolean int8, Boolean binary) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The mode as a constant (checked at load). */
    public WriteMode writeMode() {
      return Choice.parse(WriteMode.class, "output.mode", mode);
    }
  }

  /**
   * @param tokenBudget most padded tokens per batch
   * @param maxRows most texts per batch
   * @param window texts read ahead and sorted by length before batching
   */
  public record Batching(Integer tokenBudget, Integer maxRows, Integer window)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * @param tooLong {@code truncate} (embed the first max-length tokens, flag the row) or
   *     {@code reject}
   * @param duplicateIds {@code reject} (keep the first occurrence in input order, reject the
   *     others), {@code keep} (embed every row; skips the id shuffle) or {@code fail}
   * @param maxLength tokens per text, up to the model's positions; default: the bundle's own
   *     (a model trained on texts cut at 128 tokens can embed longer ones)
   */
  public record Limits(String tooLong, String duplicateIds, Integer maxLength)
      implements Serializable {
    private static final long serialVersionUID = 2L;

    /** With the bundle's maximum length. */
    public Limits(String tooLong, String duplicateIds) {
      this(tooLong, duplicateIds, null);
    }

    /** The too-long policy as a constant (checked at load). */
    public TooLong tooLongPolicy() {
      return Choice.parse(TooLong.class, "limits.too_long", tooLong);
    }

    /** The duplicate-id policy as a constant (checked at load). */
    public DuplicateIds duplicatePolicy() {
      return Choice.parse(DuplicateIds.class, "limits.duplicate_ids", duplicateIds);
    }
  }

  /** {@code input.format}. */
  public enum Format implements Choice {
    PARQUET, JSONL, BEIR;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code output.mode}: refuse to replace an existing output, or replace one the job wrote. */
  public enum WriteMode implements Choice {
    ERROR, OVERWRITE;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code limits.too_long}. */
  public enum TooLong implements Choice {
    TRUNCATE, REJECT;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code limits.duplicate_ids}. */
  public enum DuplicateIds implements Choice {
    REJECT, KEEP, FAIL;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final List<String> FORMATS = Choice.keys(Format.class);
  public static final List<String> MODES = Choice.keys(WriteMode.class);
  public static final List<String> TOO_LONG = Choice.keys(TooLong.class);
  public static final List<String> DUPLICATES = Choice.keys(DuplicateIds.class);

  /** With the default engine. */
  public EmbedConfig(String model, Input input, String prompt, Output output, Batching batching,
      Limits limits) {
    this(model, input, prompt, output, batching, limits, null);
  }

  public EmbedConfig {
    input = input == null ? new Input(null, null, null, null, null) : input;
    String format = Checks.lower(input.format(), "parquet");
    boolean beir = Choice.find(Format.class, format) == Format.BEIR;
    input = new Input(input.path(), format, Checks.or(input.id(), beir ? "_id" : "id"),
        Checks.or(input.text(), "text"),
        input.title() == null ? (beir ? "title" : "") : input.title());
    prompt = Checks.or(prompt, "document");
    output = output == null ? new Output(null, null, null, null, null, null) : output;
    output = new Output(output.path(), output.rejects() == null && output.path() != null
        ? stripSlash(output.path()) + "-rejects" : output.rejects(),
        Checks.lower(output.mode(), "error"), output.dims() == null ? List.of() : List.copyOf(
        output.dims()), output.int8() != null && output.int8(),
        output.binary() != null && output.binary());
    batching = batching == null ? new Batching(null, null, null) : batching;
    batching = new Batching(Checks.or(batching.tokenBudget(),
        io.embedspark.embed.BucketedEmbedder.DEFAULT_TOKEN_BUDGET),
        Checks.or(batching.maxRows(), io.embedspark.embed.BucketedEmbedder.DEFAULT_MAX_ROWS), Checks.or(batching.window(), 4_096));
    limits = limits == null ? new Limits(null, null) : limits;
    limits = new Limits(Checks.lower(limits.tooLong(), "truncate"),
        Checks.lower(limits.duplicateIds(), "reject"), limits.maxLength());
    List<String> p = new ArrayList<>();
    if (model == null || model.isBlank()) {
      p.add("model must name a checkpoint bundle directory");
    }
    if (input.path() == null || input.path().isBlank()) {
      p.add("input.path must name the corpus");
    }
    Checks.oneOf(p, "input.format", format, Format.class);
    if (input.id().isBlank() || input.text().isBlank()) {
      p.add("input.id and input.text must name columns");
    }
    if (output.path() == null || output.path().isBlank()) {
      p.add("output.path must name the output directory");
    } else if (stripSlash(output.path()).equals(stripSlash(output.rejects()))) {
      p.add("output.rejects must differ from output.path");
    }
    Checks.oneOf(p, "output.mode", output.mode(), WriteMode.class);
    for (Integer d : output.dims()) {
      if (d == null || d <= 0) {
        p.add("output.dims contains " + d + "; dims must be positive");
      }
    }
    Checks.positive(p, "batching.token_budget", batching.tokenBudget());
    Checks.positive(p, "batching.max_rows", batching.maxRows());
    Checks.positive(p, "batching.window", batching.window());
    Checks.oneOf(p, "limits.too_long", limits.tooLong(), TooLong.class);
    if (limits.maxLength() != null) {
      Checks.positive(p, "limits.max_length", limits.maxLength());
    }
    Checks.oneOf(p, "limits.duplicate_ids", limits.duplicateIds(), DuplicateIds.class);
    try {
      promptTemplateOf(prompt);
    } catch (InvalidInputException e) {
      p.add(e.getMessage());
    }
    try {
      engine = InferenceEngine.parse("engine", engine).key();
    } catch (InvalidInputException e) {
      p.add(e.getMessage());
    }
    if (!p.isEmpty()) {
      throw new InvalidInputException(String.join("; ", p));
    }
  }

  /**
   * The same config with another prompt: {@code query} and {@code document} resolved to a
   * model's own prompts ({@link io.embedspark.data.ModelPrompts#resolve}) before the job runs.
   */
  public EmbedConfig withPrompt(String newPrompt) {
    return new EmbedConfig(model, input, newPrompt, output, batching, limits, engine);
  }

  /** The same config run by another inference engine. */
  public EmbedConfig withEngine(String newEngine) {
    return new EmbedConfig(model, input, prompt, output, batching, limits, newEngine);
  }

  /** The inference engine. */
  public InferenceEngine inferenceEngine() {
    return InferenceEngine.valueOf(engine.toUpperCase(Locale.ROOT));
  }

  /** The prompt as a template. */
  public PromptTemplate promptTemplate() {
    return promptTemplateOf(prompt);
  }

  private static PromptTemplate promptTemplateOf(String prompt) {
    return PromptTemplate.named(prompt);
  }

  private static String stripSlash(String path) {
    return path == null ? null : path.replaceAll("/+$", "");
  }
}
