package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.bench.BenchModels;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.bench.spark.EmbedBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedspark bench-embed}: bulk-embedding throughput, core vs job, bucketed vs fixed. */
@Command(name = "bench-embed", mixinStandardHelpOptions = true,
    description = "Measure bulk-embedding tokens/s on a real length mix: the core encoder alone "
        + "(length-bucketed; for nd4j also fixed-size batches) and the embed job on Spark, per "
        + "inference engine, optionally against ONNX Runtime on a given ONNX file.")
final class BenchEmbedCommand implements Callable<Integer> {
  private static final Path DEBIAN = Path.of("../shared/data/debian/retrieval/corpus.jsonl");

  @Option(names = "--corpus", description = "A BEIR corpus.jsonl (default: the Debian corpus "
      + "if present, else the bundled sample's).")
  Path corpus;

  @Option(names = "--docs", defaultValue = "2000", description = "Documents to embed.")
  int docs;

  @Option(names = "--model", defaultValue = "small", description = "A preset (tiny, small, "
      + "base; its vocabulary trained on the texts), a bundle or checkpoint directory, or mbert.")
  String model;

  @Option(names = "--onnx", description = "Also run ONNX Runtime on this ONNX file (a BERT-family "
      + "export of the same model) with the model's tokenizer, as the speed anchor.")
  Path onnx;

  @Option(names = "--ort-threads", defaultValue = "2", description = "ONNX Runtime intra-op "
      + "threads (default: ${DEFAULT-VALUE}).")
  int ortThreads;

  @Option(names = "--ort-batch", defaultValue = "64", description = "Rows per ONNX Runtime batch "
      + "(default: ${DEFAULT-VALUE}).")
  int ortBatch;

  @Option(names = "--engines", split = ",", description = "Inference engines of the bucketed "
      + "modes, of nd4j, onnxruntime (default: both).")
  List<String> engines = List.of("nd4j", "onnxruntime");

  @Option(names = "--max-length", defaultValue = "256", description = "Tokens per text at most.")
  int maxLength;

  @Option(names = "--token-budget", defaultValue = "2048", description = "Padded tokens per "
      + "bucketed batch.")
  int tokenBudget;

  @Option(names = "--fixed-batch", defaultValue = "32", description = "Rows per fixed batch.")
  int fixedBatch;

  @Option(names = "--work-dir", defaultValue = "runs/bench-embed", description = "Scratch space.")
  Path workDir;

  @Option(names = "--master", defaultValue = SparkSessions.AUTO, description = "Spark master.")
  String master;

  @Override
  public Integer call() throws Exception {
    Path input = corpus != null ? corpus : Files.exists(DEBIAN) ? DEBIAN
        : Path.of("data/sample/retrieval/corpus.jsonl");
    System.out.println("corpus: " + input + ", first " + docs + " documents, model " + model
        + ", max length " + maxLength);
    try (SparkSession spark = SparkSessions.create("embedspark-bench-embed",
        SparkSessions.master(master))) {
      List<InferenceEngine> chosen = engines.stream()
          .map(e -> InferenceEngine.parse("--engines", e)).distinct().toList();
      List<EmbedBenchmark.Result> r = new EmbedBenchmark(spark, System.out::println).run(input,
          docs, texts -> BenchModels.open(model, maxLength, texts), tokenBudget, fixedBatch,
          workDir,
          onnx == null ? null : new EmbedBenchmark.OnnxAnchor(onnx, ortThreads, ortBatch),
          chosen);
      Map<String, Double> rate = new LinkedHashMap<>();
      r.forEach(x -> rate.put(x.mode(), x.tokensPerSecond()));
      if (rate.containsKey("core, fixed batches of " + fixedBatch)) {
        System.out.printf("bucketing speed-up (nd4j, core): %.2fx%n",
            rate.get(EmbedBenchmark.mode(EmbedBenchmark.CORE, InferenceEngine.ND4J))
                / rate.get("core, fixed batches of " + fixedBatch));
      }
      for (InferenceEngine e : chosen) {
        double core = rate.get(EmbedBenchmark.mode(EmbedBenchmark.CORE, e));
        double job = rate.get(EmbedBenchmark.mode(EmbedBenchmark.JOB, e));
        System.out.printf("%s: job / core %.2f", e.key(), job / core);
        if (onnx != null) {
          double anchor = rate.get(EmbedBenchmark.ANCHOR);
          System.out.printf("; against ONNX Runtime on --onnx: core %.2fx, embed job (read to "
              + "write) %.2fx", core / anchor, job / anchor);
        }
        System.out.println();
      }
    }
    return 0;
  }
}
