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

  @Test
  void greedySoupKeepsOnlyIngredientsThatDoNotLowerTheHeldOutScore() {
    // Held-out score: minus the distance of one parameter tensor to a target, the mean of a and b.
    CheckpointBundle a = TinyBundles.create(1);
    CheckpointBundle b = TinyBundles.create(2);
    CheckpointBundle far = TinyBundles.create(3);
    String name = "encoder.layer.0.attention.self.query.weight";
    float[] x = a.parameters().get(name).values();
    float[] y = b.parameters().get(name).values();
    float[] z = far.parameters().get(name).values();
    for (int i = 0; i < z.length; i++) {
      z[i] = 20 * z[i];
    }
    float[] target = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      target[i] = (x[i] + y[i]) / 2;
    }
    java.util.function.ToDoubleFunction<CheckpointBundle> score = m -> {
      float[] v = m.parameters().get(name).values();
      double d = 0;
      for (int i = 0; i < v.length; i++) {
        d += (v[i] - target[i]) * (double) (v[i] - target[i]);
      }
      return -Math.sqrt(d);
    };
    List<ModelSoup.Candidate> candidates = List.of(
        new ModelSoup.Candidate("far", far, score.applyAsDouble(far)),
        new ModelSoup.Candidate("b", b, score.applyAsDouble(b)),
        new ModelSoup.Candidate("a", a, score.applyAsDouble(a)));
    ModelSoup.Greedy greedy = ModelSoup.greedy(candidates, score);

    assertEquals(2, greedy.ingredients().size(), greedy.log().toString());
    assertTrue(greedy.ingredients().containsAll(List.of("a", "b")), greedy.log().toString());
    assertEquals(0.0, greedy.score(), 1e-5, "the soup of a and b is the target");
    // Negative control: the uniform soup of all three, far included, scores worse.
    double all = score.applyAsDouble(ModelSoup.uniform(List.of(a, b, far), List.of("a", "b",
        "far")));
    assertTrue(all < greedy.score() - 1e-3, "uniform soup " + all);
    assertTrue(greedy.soup().provenance().origin().startsWith("soup:greedy of "));
  }
}
