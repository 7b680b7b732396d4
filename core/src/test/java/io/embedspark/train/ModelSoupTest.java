package io.embedspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.TinyBundles;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class ModelSoupTest {
  @Test
  void aSoupOfIdenticalModelsIsThatModel() {
    CheckpointBundle a = TinyBundles.create(1);
    CheckpointBundle soup = ModelSoup.uniform(List.of(a, a, a), List.of("a", "a2", "a3"));
    for (String name : a.parameters().tensors().keySet()) {
      assertArrayEquals(a.parameters().get(name).values(), soup.parameters().get(name).values(),
          name);
    }
    float[][] before = TinyBundles.embed(a, DataType.FLOAT);
    float[][] after = TinyBundles.embed(soup, DataType.FLOAT);
    for (int i = 0; i < before.length; i++) {
      assertArrayEquals(before[i], after[i], 0f);
    }
    assertTrue(soup.provenance().origin().startsWith("soup:uniform of a, a2, a3"));
  }

  @Test
  void aSoupOfTwoModelsIsTheirElementwiseMeanAndNeither() {
    CheckpointBundle a = TinyBundles.create(1);
    CheckpointBundle b = TinyBundles.create(2);
    CheckpointBundle soup = ModelSoup.uniform(List.of(a, b), List.of("a", "b"));
    String name = "encoder.layer.0.attention.self.query.weight";
    float[] x = a.parameters().get(name).values();
    float[] y = b.parameters().get(name).values();
    float[] m = soup.parameters().get(name).values();
    double differsFromA = 0;
    for (int i = 0; i < m.length; i++) {
      assertEquals((x[i] + (double) y[i]) / 2, m[i], 1e-7);
      differsFromA = Math.max(differsFromA, Math.abs(m[i] - x[i]));
    }
    assertTrue(differsFromA > 1e-3, "negative control: the soup is not an ingredient");
  }

  @Test
  void ingredientsOfDifferentShapesAreRejectedByName() {
    CheckpointBundle a = TinyBundles.create(1);
    CheckpointBundle cut = a.withFirstLayers(1);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelSoup.uniform(List.of(a, cut), List.of("runs/a", "runs/cut")));
    assertTrue(e.getMessage().contains("runs/cut"), e.getMessage());
    assertThrows(InvalidInputException.class, () -> ModelSoup.uniform(List.of(), List.of()));
  }
}
