package io.embedspark.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AdamW, clipping and the schedule against PyTorch's torch.optim.AdamW, clip_grad_norm_ and
 * LambdaLR ({@code tools/golden/adamw.py}): three steps, a decayed weight and an undecayed bias.
 */
class AdamWTest {
  private static final String W = "layer.weight";
  private static final String B = "layer.bias";

  private static JsonNode golden() throws IOException {
    try (InputStream in = AdamWTest.class.getResourceAsStream("/golden/adamw.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static INDArray array(JsonNode n) throws IOException {
    return Nd4j.create(new ObjectMapper().treeToValue(n, double[][].class));
  }

  private static INDArray vector(JsonNode n) throws IOException {
    return Nd4j.createFromArray(new ObjectMapper().treeToValue(n, double[].class));
  }

  @Test
  void threeStepsWithClippingAndScheduleMatchPyTorch() throws IOException {
    JsonNode g = golden();
    Map<String, INDArray> params = new HashMap<>();
    params.put(W, array(g.at("/start/w")));
    params.put(B, vector(g.at("/start/b")));
    AdamW adam = new AdamW(0.9, 0.98, 1e-6, 0.01);
    LearningRateSchedule schedule = new LearningRateSchedule(1e-2, 2, 5, 0.1);
    for (int s = 0; s < 3; s++) {
      Map<String, INDArray> grads = new LinkedHashMap<>();
      grads.put(W, array(g.at("/grads/" + s + "/w")));
      grads.put(B, vector(g.at("/grads/" + s + "/b")));
      double norm = GradientClipping.clip(grads, 5.0);
      assertEquals(g.at("/norms/" + s).asDouble(), norm, 1e-12, "norm before clipping, step " + s);
      double lr = schedule.at(s + 1);
      assertEquals(g.at("/lrs/" + s).asDouble(), lr, 1e-15, "learning rate, step " + s);
      adam.update(params::get, grads, lr);
    }
    assertEquals(0, params.get(W).sub(array(g.at("/end/w"))).amaxNumber().doubleValue(), 1e-12);
    assertEquals(0, params.get(B).sub(vector(g.at("/end/b"))).amaxNumber().doubleValue(), 1e-12);
    assertEquals(3, adam.step());
  }

  @Test
  void scheduleWarmsUpThenDecaysLinearly() throws IOException {
    JsonNode g = golden();
    LearningRateSchedule schedule = new LearningRateSchedule(1e-2, 2, 5, 0.1);
    for (int s = 1; s <= 5; s++) {
      assertEquals(g.at("/schedule/" + (s - 1)).asDouble(), schedule.at(s), 1e-15, "step " + s);
    }
  }

  @Test
  void restoredStateContinuesExactly() {
    Map<String, INDArray> a = new HashMap<>(Map.of(W, Nd4j.ones(DataType.DOUBLE, 2, 2)));
    Map<String, INDArray> b = new HashMap<>(Map.of(W, Nd4j.ones(DataType.DOUBLE, 2, 2)));
    Map<String, INDArray> grad = Map.of(W, Nd4j.createFromArray(new double[][] {{1, -2}, {3, 0.5}}));
    AdamW first = new AdamW(0.9, 0.999, 1e-8, 0.1);
    first.update(a::get, grad, 0.1);
    AdamW resumed = new AdamW(0.9, 0.999, 1e-8, 0.1);
    resumed.restore(first.step(), dup(first.firstMoments()), dup(first.secondMoments()));
    b.get(W).assign(a.get(W));
    first.update(a::get, grad, 0.1);
    resumed.update(b::get, grad, 0.1);
    assertEquals(a.get(W), b.get(W));
  }

  @Test
  void rejectsInvalidHyperParameters() {
    assertThrows(InvalidInputException.class, () -> new AdamW(1.0, 0.99, 1e-8, 0));
    assertThrows(InvalidInputException.class, () -> new LearningRateSchedule(1e-3, 10, 5, 0));
  }

  private static Map<String, INDArray> dup(Map<String, INDArray> m) {
    Map<String, INDArray> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put(k, v.dup()));
    return c;
  }
}
