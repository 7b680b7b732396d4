package io.embedspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.model.EmbeddingModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A checked-in bundle of format version 1 ({@code src/test/resources/bundles/tiny-v1}, the tiny
 * preset with a 120-token vocabulary) must keep loading and keep giving the embeddings recorded
 * beside it when it was written: a compatibility check for bundles users already have, not a
 * correctness reference (EncoderGoldenTest is that).
 */
class BundleFormatV1Test {

  @Test
  void theVersionOneBundleStillLoadsAndEmbedsAsItDid() throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/bundles/tiny-v1").toURI());
    CheckpointBundle bundle = CheckpointBundle.read(dir);
    assertEquals(1, bundle.config().formatVersion());
    JsonNode recorded = new ObjectMapper().readTree(
        getClass().getResourceAsStream("/bundles/tiny-v1-embeddings.json"));
    List<String> texts = new ArrayList<>();
    recorded.get("texts").forEach(t -> texts.add(t.asText()));
    try (EmbeddingModel model = bundle.toModel(DataType.FLOAT)) {
      float[][] now = model.embedTexts(texts, 5);
      for (int i = 0; i < texts.size(); i++) {
        float[] then = new float[now[i].length];
        for (int k = 0; k < then.length; k++) {
          then[k] = (float) recorded.get("embeddings").get(i).get(k).asDouble();
        }
        assertArrayEquals(then, now[i], 1e-6f, "text " + i + ": " + texts.get(i));
      }
    }
  }
}
