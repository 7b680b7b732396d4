package io.embedspark.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the checked-in golden values of the metric tests ({@code /golden/<name>.json}). */
final class GoldenJson {
  private GoldenJson() {}

  static JsonNode load(String name) {
    try (InputStream in = GoldenJson.class.getResourceAsStream("/golden/" + name + ".json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double[][] doubles(JsonNode m) {
    double[][] out = new double[m.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new double[m.get(i).size()];
      for (int k = 0; k < out[i].length; k++) {
        out[i][k] = m.get(i).get(k).asDouble();
      }
    }
    return out;
  }

  static float[][] floats(JsonNode m) {
    double[][] d = doubles(m);
    float[][] out = new float[d.length][];
    for (int i = 0; i < d.length; i++) {
      out[i] = new float[d[i].length];
      for (int k = 0; k < d[i].length; k++) {
        out[i][k] = (float) d[i][k];
      }
    }
    return out;
  }

  static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }
}
