package io.embedspark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.HuggingFaceImporter;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ProjectionInit;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import io.embedspark.tokenize.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test fixtures around {@code golden/bert-tiny}, written by {@code tools/golden/bert_encoder.py}:
 * an independent PyTorch BERT (hidden 32, 2 layers, 4 heads, 40 tokens, 16 positions) with the
 * token ids, mean-pooled states and projected embeddings it computed in float64.
 */
public final class Golden {
  /** The options the golden test imports with: 12-dim projection, Matryoshka 6 and 12. */
  public static final ImportOptions OPTIONS =
      new ImportOptions(12, List.of(6, 12), 16, ProjectionInit.RANDOM, 1L);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static JsonNode json;

  private Golden() {}

  /** The Hugging Face checkpoint directory (config.json, model.safetensors, tokenizer.json). */
  public static Path dir() {
    URL url = Golden.class.getResource("/golden/bert-tiny");
    if (url == null) {
      throw new IllegalStateException("test resource /golden/bert-tiny is not on the classpath");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The content of the golden tokenizer.json (vocab [PAD] [UNK] [CLS] [SEP] [MASK] w0..w34). */
  public static String tokenizerJson() {
    return read(dir().resolve("tokenizer.json"));
  }

  /** The vocabulary of the golden tokenizer: id i at index i. */
  public static List<String> vocab() {
    List<String> v = new ArrayList<>(
        List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    for (int i = 0; i < 35; i++) {
      v.add("w" + i);
    }
    return v;
  }

  /** golden.json: ids, lengths, projection_weight/bias, pooled, embedding. */
  public static synchronized JsonNode json() {
    if (json == null) {
      try {
        json = MAPPER.readTree(dir().resolve("golden.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return json;
  }

  /** The golden token batch: 4 rows of lengths 9, 5, 2, 16, padded with 0 to 16. */
  public static TokenBatch batch() {
    return batch(json());
  }

  /** The token batch of any golden.json ({@code ids}, {@code lengths}). */
  public static TokenBatch batch(JsonNode golden) {
    JsonNode ids = golden.get("ids");
    JsonNode lengths = golden.get("lengths");
    int n = ids.size();
    int width = ids.get(0).size();
    int[] flat = new int[n * width];
    int[] len = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        flat[i * width + j] = ids.get(i).get(j).asInt();
      }
      len[i] = lengths.get(i).asInt();
    }
    return new TokenBatch(n, width, flat, len, new boolean[n]);
  }

  /** A 2-D array of golden.json, e.g. {@code pooled} or {@code embedding}. */
  public static double[][] matrix(String key) {
    return matrix(json(), key);
  }

  /** A 2-D array of any golden.json. */
  public static double[][] matrix(JsonNode golden, String key) {
    JsonNode m = golden.get(key);
    double[][] out = new double[m.size()][];
    for (int i = 0; i < m.size(); i++) {
      out[i] = new double[m.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = m.get(i).get(j).asDouble();
      }
    }
    return out;
  }

  /** A golden.json array as a float32 tensor (the values were float32 to begin with). */
  public static FloatTensor tensor(String key) {
    return tensor(json(), key);
  }

  /** An array of any golden.json as a float32 tensor. */
  public static FloatTensor tensor(JsonNode golden, String key) {
    JsonNode m = golden.get(key);
    if (!m.get(0).isArray()) {
      float[] v = new float[m.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) m.get(i).asDouble();
      }
      return new FloatTensor(new long[] {v.length}, v);
    }
    double[][] d = matrix(golden, key);
    float[] v = new float[d.length * d[0].length];
    for (int i = 0; i < d.length; i++) {
      for (int j = 0; j < d[i].length; j++) {
        v[i * d[i].length + j] = (float) d[i][j];
      }
    }
    return new FloatTensor(new long[] {d.length, d[0].length}, v);
  }

  /** The golden checkpoint imported with {@link #OPTIONS}, its projection set to the golden one. */
  public static CheckpointBundle importWithGoldenProjection() {
    CheckpointBundle imported = HuggingFaceImporter.read(dir(), OPTIONS);
    return imported.with(withGoldenProjection(imported.parameters(),
        imported.config().model()), imported.provenance());
  }

  /** These parameters with projection.weight/bias replaced by golden.json's. */
  public static ModelParameters withGoldenProjection(ModelParameters params,
      EncoderConfig config) {
    Map<String, FloatTensor> map = new LinkedHashMap<>(params.tensors());
    map.put(ParameterNames.PROJECTION + ".weight", tensor("projection_weight"));
    map.put(ParameterNames.PROJECTION + ".bias", tensor("projection_bias"));
    return ModelParameters.of(map, config, "golden");
  }

  /** Largest |a - b| over all elements; fails on a shape mismatch. */
  public static double maxAbsDiff(INDArray actual, double[][] expected) {
    long[] shape = actual.shape();
    if (shape.length != 2 || shape[0] != expected.length || shape[1] != expected[0].length) {
      throw new AssertionError("shape " + Arrays.toString(shape) + ", expected ["
          + expected.length + ", " + expected[0].length + "]");
    }
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        max = Math.max(max, Math.abs(actual.getDouble(i, j) - expected[i][j]));
      }
    }
    return max;
  }

  /** Largest |a - b| over two arrays of the same shape. */
  public static double maxAbsDiff(INDArray a, INDArray b) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new AssertionError("shapes differ: " + Arrays.toString(a.shape()) + " vs "
          + Arrays.toString(b.shape()));
    }
    return a.castTo(DataType.DOUBLE)
        .sub(b.castTo(DataType.DOUBLE))
        .amaxNumber().doubleValue();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
