package io.embedspark.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

class FencedOpExecutionerTest {

  /** Overrides one path of many. */
  static class PartlyFenced extends NativeOpExecutioner {
    @Override
    public INDArray exec(Op op) {
      return super.exec(op);
    }
  }

  @Test
  void testJvmsRunTheFencedExecutioner() {
    // The build's test JVMs ask for it (nd4j.fence.opts), as the launcher and Spark sessions do.
    assertTrue(OpFence.active(), Nd4j.getExecutioner().getClass().getName());
    assertEquals("-Dopexec=" + OpFence.EXECUTIONER, OpFence.request());
  }

  @Test
  void everyOpPathOfTheCpuExecutionerIsFenced() {
    assertEquals(List.of(), unfenced(FencedOpExecutioner.class));
    // Negative control: a subclass fencing only exec(Op) misses the typed paths.
    List<String> missed = unfenced(PartlyFenced.class);
    assertTrue(missed.contains("exec(BroadcastOp)") && missed.contains("exec(ReduceOp)")
        && missed.contains("exec(ScalarOp)") && !missed.contains("exec(Op)"), missed.toString());
  }

  @Test
  void fencedOpsComputeWhatTheyComputedBefore() {
    float[][] x = {{1, 2, 3}, {4, 5, 7}};
    float[] row = {10, 20, 30};
    INDArray a = Nd4j.createFromArray(x);
    a.addiRowVector(Nd4j.createFromArray(row).reshape(1, 3));
    INDArray means = a.mean(true, 1);
    a.subiColumnVector(means).addi(0.5);
    for (int i = 0; i < 2; i++) {
      double mean = 0;
      for (int j = 0; j < 3; j++) {
        mean += (x[i][j] + row[j]) / 3.0;
      }
      assertEquals(mean, means.getDouble(i, 0), 1e-5);
      float[] expected = new float[3];
      for (int j = 0; j < 3; j++) {
        expected[j] = (float) (x[i][j] + row[j] - mean + 0.5);
      }
      assertArrayEquals(expected, a.getRow(i).toFloatVector(), 1e-5f);
    }
    assertEquals(DataType.FLOAT, a.dataType());
  }

  /**
   * The public op-running methods the CPU executioner declares that {@code c} does not override,
   * as {@code exec(ParameterTypes)}; the deprecated aggregate paths, unused here, are left out.
   */
  static List<String> unfenced(Class<?> c) {
    List<String> missing = new ArrayList<>();
    for (Method m : NativeOpExecutioner.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers()) || !m.getName().equals("exec")
          || Arrays.stream(m.getParameterTypes()).anyMatch(t -> t == List.class
              || t.getName().contains(".aggregates."))) {
        continue;
      }
      try {
        c.getDeclaredMethod(m.getName(), m.getParameterTypes());
      } catch (NoSuchMethodException e) {
        missing.add(m.getName() + "(" + String.join(", ", Arrays.stream(m.getParameterTypes())
            .map(Class::getSimpleName).toList()) + ")");
      }
    }
    return missing;
  }
}
