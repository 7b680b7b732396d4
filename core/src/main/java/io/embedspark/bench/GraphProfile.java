package io.embedspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderGraph;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Where one inference batch through the SameDiff graph spends its time, by op type, from
 * SameDiff's {@link ProfilingListener} (a Chrome trace, also written to disk).
 */
public final class GraphProfile {
  private GraphProfile() {}

  /** Total milliseconds and count of each op type, largest first. */
  public record OpTime(double milliseconds, int count) {}

  public static Map<String, OpTime> run(EncoderConfig config, int batch, int width, Path trace)
      throws IOException {
    SameDiff sd = EncoderGraph.build(config.withoutDropout(), DataType.FLOAT, false);
    ModelParameters.initialise(config, 1).copyInto(sd);
    TokenBatch tokens = InferenceBenchmark.randomBatch(config.vocabSize(), batch, width);
    var placeholders = EmbeddingModel.placeholders(config, tokens, DataType.FLOAT);
    for (int i = 0; i < 2; i++) {
      sd.outputSingle(placeholders, EncoderGraph.EMBEDDING);
    }
    Files.deleteIfExists(trace);
    if (trace.toAbsolutePath().getParent() != null) {
      Files.createDirectories(trace.toAbsolutePath().getParent());
    }
    sd.setListeners(ProfilingListener.builder(trace.toFile()).recordAll().warmup(0).build());
    sd.outputSingle(placeholders, EncoderGraph.EMBEDDING);
    sd.setListeners();
    return summarise(trace);
  }

  private static Map<String, OpTime> summarise(Path trace) throws IOException {
    String text = Files.readString(trace).strip();
    if (text.endsWith(",")) {
      text = text.substring(0, text.length() - 1);
    }
    if (!text.endsWith("]")) {
      text = text + "]"; // the listener leaves the array open until the JVM exits
    }
    Map<String, double[]> totals = new TreeMap<>();
    for (JsonNode e : new ObjectMapper().readTree(text)) {
      if (e.has("dur")) {
        double[] t = totals.computeIfAbsent(e.get("name").asText(), k -> new double[2]);
        t[0] += e.get("dur").asDouble() / 1000.0;
        t[1]++;
      }
    }
    Map<String, OpTime> sorted = new LinkedHashMap<>();
    totals.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
        .forEach(e -> sorted.put(e.getKey(), new OpTime(e.getValue()[0], (int) e.getValue()[1])));
    return sorted;
  }
}
