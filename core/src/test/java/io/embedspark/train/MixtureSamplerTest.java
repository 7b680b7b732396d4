package io.embedspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.data.TrainingExample;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MixtureSamplerTest {
  private static List<TrainingExample> dataset(String task, int n) {
    List<TrainingExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new TrainingExample(task + i, task, "q " + task + i, "p " + task + i, List.of()));
    }
    return out;
  }

  private static MixtureSampler mixture(double w1, double w2) {
    return new MixtureSampler(List.of(
        new MixtureSampler.Dataset("retrieval", dataset("retrieval", 40), w1),
        new MixtureSampler.Dataset("classification", dataset("classification", 20), w2)), 8, 5);
  }

  @Test
  void everyBatchComesFromOneDatasetInProportionToTheWeights() {
    MixtureSampler m = mixture(3, 1);
    int retrieval = 0;
    int steps = 4000;
    for (long step = 1; step <= steps; step++) {
      List<TrainingExample> batch = m.batch(step);
      assertEquals(8, batch.size());
      String task = batch.get(0).task();
      assertTrue(batch.stream().allMatch(e -> e.task().equals(task)), "step " + step);
      assertEquals(m.name(m.datasetOf(step)), task);
      retrieval += task.equals("retrieval") ? 1 : 0;
    }
    assertEquals(0.75, retrieval / (double) steps, 0.03);
    assertEquals(60, m.size());
  }

  @Test
  void batchesArePureFunctionsOfTheStep() {
    assertEquals(mixture(3, 1).batch(17), mixture(3, 1).batch(17));
    assertTrue(!mixture(3, 1).batch(17).equals(mixture(3, 1).batch(18)));
  }

  @Test
  void badWeightsAndSmallDatasetsAreNamed() {
    InvalidInputException w = assertThrows(InvalidInputException.class, () -> mixture(1, 0));
    assertTrue(w.getMessage().contains("'classification'"), w.getMessage());
    InvalidInputException s = assertThrows(InvalidInputException.class,
        () -> new MixtureSampler(List.of(new MixtureSampler.Dataset("tiny", dataset("t", 3), 1)),
            8, 1));
    assertTrue(s.getMessage().contains("'tiny' has 3 examples"), s.getMessage());
  }
}
