package io.embedspark.bench.spark;

import io.embedspark.jobs.embed.EmbedConfig;
import io.embedspark.jobs.embed.EmbedJob;
import io.embedspark.jobs.embed.EmbedReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.data.JsonlTexts;
import io.embedspark.data.PromptTemplate;
import io.embedspark.embed.BatchEncoder;
import io.embedspark.embed.BucketedEmbedder;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.JsonFiles;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Throughput of bulk embedding on a real length mix, in one run: the core encoder alone in this
 * JVM with length bucketing (and, for ND4J, with fixed-size batches in input order as the control),
 * then the {@code embed} job on Spark; each bucketed mode once per inference engine asked for
 * (ND4J, ONNX Runtime on the exported model), and optionally ONNX Runtime on a given ONNX file
 * as the anchor. Tokens are the texts' real tokens after truncation, the
 * same count in every mode, so tokens/s compare the work done, not the padding computed.
 */
public final class EmbedBenchmark {
  private final SparkSession spark;
  private final Consumer<String> out;

  /** Mode names, for looking results up. */
  public static final String CORE = "core, bucketed";
  public static final String JOB = "embed job, bucketed";
  public static final String ANCHOR = "onnx runtime on --onnx";

  /** One mode's measurement. */
  public record Result(String mode, long texts, long realTokens, long paddedTokens,
      double seconds) {
    public double tokensPerSecond() {
      return realTokens / seconds;
    }
  }

  public EmbedBenchmark(SparkSession spark, Consumer<String> out) {
    this.spark = spark;
    this.out = out;
  }

  /** The ONNX Runtime anchor: an ONNX file, its intra-op threads and rows per batch. */
  public record OnnxAnchor(Path file, int threads, int batchRows) {}

  /**
   * @param corpus a BEIR corpus.jsonl
   * @param docs how many documents to embed (the first ones)
   * @param fixedBatch rows per batch of the naive mode
   * @param modelFor the model to embed with, given the texts (a preset trains its vocabulary on
   *     them)
   * @param onnx also run ONNX Runtime on the same texts with the model's tokenizer, or null
   * @param engines the inference engines of the bucketed modes
   */
  public List<Result> run(Path corpus, int docs,
      java.util.function.Function<List<String>, CheckpointBundle> modelFor, int tokenBudget,
      int fixedBatch, Path workDir, OnnxAnchor onnx, List<InferenceEngine> engines) {
    List<String> texts = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (JsonNode row : JsonlTexts.rows(corpus)) {
      if (texts.size() == docs) {
        break;
      }
      texts.add(PromptTemplate.DOCUMENT.apply(row.path("title").asText(""),
          row.path("text").asText("")));
      lines.add(row.toString());
    }
    Path input = workDir.resolve("corpus");
    Path warmup = workDir.resolve("warmup");
    Path modelDir = workDir.resolve("model");
    int files = 2 * Runtime.getRuntime().availableProcessors();
    writeFiles(input, lines, files);
    writeFiles(warmup, lines.subList(0, Math.min(64, lines.size())), files);
    CheckpointBundle bundle = modelFor.apply(texts);
    bundle.write(modelDir, true);
    List<Result> results = new ArrayList<>();
    try (EmbeddingModel model = bundle.toModel(DataType.FLOAT)) {
      List<String> warm = texts.subList(0, Math.min(64, texts.size()));
      for (InferenceEngine engine : engines) {
        BatchEncoder encoder = engine.encoder(model, Runtime.getRuntime().availableProcessors());
        new BucketedEmbedder(model.tokenizer(), encoder, tokenBudget, 256).embed(warm);
        results.add(core(mode(CORE, engine), model.tokenizer(), encoder, texts, tokenBudget, 256,
            4096));
        if (engine == InferenceEngine.ND4J) {
          results.add(fixed("core, fixed batches of " + fixedBatch, model.tokenizer(), encoder,
              texts, fixedBatch));
        }
      }
      if (onnx != null) {
        results.add(onnxRuntime(onnx, model, texts));
      }
    }
    for (InferenceEngine engine : engines) {
      EmbedConfig.Batching bucketed = new EmbedConfig.Batching(tokenBudget, 256, 4096);
      job("warm-up (not counted)", modelDir, warmup, workDir.resolve("warmup-out"), bucketed,
          Math.min(64, lines.size()), engine);
      results.add(job(mode(JOB, engine), modelDir, input, workDir.resolve("bucketed"), bucketed,
          texts.size(), engine));
    }
    return results;
  }

  /** A bucketed mode's name with its engine, e.g. {@code core, bucketed, onnxruntime}. */
  public static String mode(String bucketed, InferenceEngine engine) {
    return bucketed + ", " + engine.key();
  }

  /** The corpus as {@code n} JSON-lines files, so the job has that many partitions. */
  private static void writeFiles(Path dir, List<String> lines, int n) {
    try {
      io.embedspark.io.AtomicDirectory.deleteRecursively(dir);
      Files.createDirectories(dir);
      int per = (lines.size() + n - 1) / n;
      for (int i = 0; i * per < lines.size(); i++) {
        Files.write(dir.resolve(String.format("part-%03d.jsonl", i)),
            lines.subList(i * per, Math.min(lines.size(), (i + 1) * per)),
            StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The core encoder over windows of the texts, each bucketed by length. */
  private Result core(String mode, TextTokenizer tokenizer, BatchEncoder encoder,
      List<String> texts, int tokenBudget, int maxRows, int window) {
    BucketedEmbedder embedder = new BucketedEmbedder(tokenizer, encoder, tokenBudget, maxRows);
    long real = 0;
    long padded = 0;
    long t0 = System.nanoTime();
    for (int from = 0; from < texts.size(); from += window) {
      BucketedEmbedder.Result r = embedder.embed(texts.subList(from,
          Math.min(texts.size(), from + window)));
      real += r.realTokens();
      padded += r.paddedTokens();
    }
    Result r = new Result(mode, texts.size(), real, padded, (System.nanoTime() - t0) / 1e9);
    report(r);
    return r;
  }

  /** The control without bucketing: batches of {@code rows} texts in input order. */
  private Result fixed(String mode, TextTokenizer tokenizer, BatchEncoder encoder,
      List<String> texts, int rows) {
    long real = 0;
    long padded = 0;
    long t0 = System.nanoTime();
    for (int from = 0; from < texts.size(); from += rows) {
      TokenBatch b = tokenizer.encode(texts.subList(from, Math.min(texts.size(), from + rows)));
      encoder.embed(b);
      real += b.realTokens();
      padded += (long) b.size() * b.width();
    }
    Result r = new Result(mode, texts.size(), real, padded, (System.nanoTime() - t0) / 1e9);
    report(r);
    return r;
  }

  private Result onnxRuntime(OnnxAnchor onnx, EmbeddingModel model, List<String> texts) {
    try {
      OnnxRuntimeReference.Run run = OnnxRuntimeReference.embed(onnx.file(), model.tokenizer(),
          texts, onnx.threads(), onnx.batchRows());
      out.accept("(" + ANCHOR + ": " + onnx.threads() + " threads, sorted batches of "
          + onnx.batchRows() + ")");
      Result r = new Result(ANCHOR, texts.size(), run.realTokens(), run.paddedTokens(), run.seconds());
      report(r);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("ONNX Runtime failed on " + onnx.file() + ": "
          + e.getMessage(), e);
    }
  }

  private Result job(String mode, Path model, Path input, Path output,
      EmbedConfig.Batching batching, int texts, InferenceEngine engine) {
    EmbedConfig config = new EmbedConfig(model.toString(),
        new EmbedConfig.Input(input.toString(), "beir", null, null, null), "document",
        new EmbedConfig.Output(output.toString(), null, "overwrite", List.of(), false, false),
        batching, null, engine.key());
    long t0 = System.nanoTime();
    EmbedReport report = new EmbedJob(spark, config, line -> { }).run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (report.embedded() != texts) {
      throw new IllegalStateException(mode + ": embedded " + report.embedded() + " of " + texts);
    }
    long real = 0;
    long padded = 0;
    try (EmbeddingModel m = CheckpointBundle.read(model).toModel(DataType.FLOAT)) {
      // The job's token counts: the same texts, tokenized as it does.
      List<String> all = new ArrayList<>();
      try (java.util.stream.Stream<Path> parts = Files.list(input)) {
        for (Path part : parts.sorted().toList()) {
          for (JsonNode row : JsonlTexts.rows(part)) {
            all.add(PromptTemplate.DOCUMENT.apply(row.path("title").asText(""),
                row.path("text").asText("")));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      TokenBatch t = m.tokenizer().encode(all);
      real = t.realTokens();
    }
    Result r = new Result(mode, texts, real, padded, seconds);
    report(r);
    return r;
  }

  private void report(Result r) {
    out.accept(String.format(java.util.Locale.ROOT, "%-36s %6d texts %9d tokens %8.1f s %9.0f "
        + "tokens/s%s", r.mode(), r.texts(), r.realTokens(), r.seconds(), r.tokensPerSecond(),
        r.paddedTokens() == 0 ? "" : String.format(java.util.Locale.ROOT, "  (padding %.0f%%)",
            100.0 * (r.paddedTokens() - r.realTokens()) / r.paddedTokens())));
  }

  /** Results as JSON lines, for docs/BENCHMARKS.md. */
  static String json(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    for (Result r : results) {
      sb.append(JsonFiles.MAPPER.valueToTree(r).toString()).append('\n');
    }
    return sb.toString();
  }
}
