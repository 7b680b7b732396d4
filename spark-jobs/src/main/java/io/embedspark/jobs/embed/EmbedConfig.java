package io.embedspark.jobs.embed;

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
 *     and optionally {@code {title}}
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
   */
  public record Limits(String tooLong, String duplicateIds) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  public static final List<String> FORMATS = List.of("parquet", "jsonl", "beir");
  public static final List<String> MODES = List.of("error", "overwrite");
  public static final List<String> TOO_LONG = List.of("truncate", "reject");
  public static final List<String> DUPLICATES = List.of("reject", "keep", "fail");

  /** With the default engine. */
  public EmbedConfig(String model, Input input, String prompt, Output output, Batching batching,
      Limits limits) {
    this(model, input, prompt, output, batching, limits, null);
  }

  public EmbedConfig {
    input = input == null ? new Input(null, null, null, null, null) : input;
    String format = lower(input.format(), "parquet");
    boolean beir = format.equals("beir");
    input = new Input(input.path(), format, orDefault(input.id(), beir ? "_id" : "id"),
        orDefault(input.text(), "text"),
        input.title() == null ? (beir ? "title" : "") : input.title());
    prompt = orDefault(prompt, "document");
    output = output == null ? new Output(null, null, null, null, null, null) : output;
    output = new Output(output.path(), output.rejects() == null && output.path() != null
        ? stripSlash(output.path()) + "-rejects" : output.rejects(),
        lower(output.mode(), "error"), output.dims() == null ? List.of() : List.copyOf(
        output.dims()), output.int8() != null && output.int8(),
        output.binary() != null && output.binary());
    batching = batching == null ? new Batching(null, null, null) : batching;
    batching = new Batching(orDefault(batching.tokenBudget(), 16_384),
        orDefault(batching.maxRows(), 256), orDefault(batching.window(), 4_096));
    limits = limits == null ? new Limits(null, null) : limits;
    limits = new Limits(lower(limits.tooLong(), "truncate"),
        lower(limits.duplicateIds(), "reject"));
    List<String> p = new ArrayList<>();
    if (model == null || model.isBlank()) {
      p.add("model must name a checkpoint bundle directory");
    }
    if (input.path() == null || input.path().isBlank()) {
      p.add("input.path must name the corpus");
    }
    oneOf(p, "input.format", format, FORMATS);
    if (input.id().isBlank() || input.text().isBlank()) {
      p.add("input.id and input.text must name columns");
    }
    if (output.path() == null || output.path().isBlank()) {
      p.add("output.path must name the output directory");
    } else if (stripSlash(output.path()).equals(stripSlash(output.rejects()))) {
      p.add("output.rejects must differ from output.path");
    }
    oneOf(p, "output.mode", output.mode(), MODES);
    for (Integer d : output.dims()) {
      if (d == null || d <= 0) {
        p.add("output.dims contains " + d + "; dims must be positive");
      }
    }
    positive(p, "batching.token_budget", batching.tokenBudget());
    positive(p, "batching.max_rows", batching.maxRows());
    positive(p, "batching.window", batching.window());
    oneOf(p, "limits.too_long", limits.tooLong(), TOO_LONG);
    oneOf(p, "limits.duplicate_ids", limits.duplicateIds(), DUPLICATES);
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

  private static String orDefault(String v, String d) {
    return v == null || v.isBlank() ? d : v;
  }

  private static int orDefault(Integer v, int d) {
    return v == null ? d : v;
  }

  private static String lower(String v, String d) {
    return v == null || v.isBlank() ? d : v.trim().toLowerCase(Locale.ROOT);
  }

  private static String stripSlash(String path) {
    return path == null ? null : path.replaceAll("/+$", "");
  }

  private static void oneOf(List<String> p, String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      p.add(key + " = '" + value + "' must be one of " + String.join(", ", allowed));
    }
  }

  private static void positive(List<String> p, String key, int value) {
    if (value <= 0) {
      p.add(key + " = " + value + " must be positive");
    }
  }
}
