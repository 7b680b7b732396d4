package io.embedspark.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizationTest {
  private static float[] randomUnit(int dim, SplittableRandom r) {
    float[] x = new float[dim];
    double sq = 0;
    for (int i = 0; i < dim; i++) {
      x[i] = (float) r.nextGaussian();
      sq += x[i] * x[i];
    }
    for (int i = 0; i < dim; i++) {
      x[i] /= (float) Math.sqrt(sq);
    }
    return x;
  }

  @Test
  void int8DecodesWithinHalfAStep() {
    SplittableRandom r = new SplittableRandom(3);
    double worst = 0;
    for (int n = 0; n < 200; n++) {
      float[] x = randomUnit(1 + r.nextInt(300), r);
      float[] back = Quantization.decodeInt8(Quantization.int8(x));
      for (int i = 0; i < x.length; i++) {
        worst = Math.max(worst, Math.abs(back[i] - x[i]));
      }
    }
    assertTrue(worst <= Quantization.INT8_MAX_ERROR + 1e-7, "worst " + worst);
    assertTrue(worst > Quantization.INT8_MAX_ERROR / 2, "the bound is tight: " + worst);
  }

  @Test
  void int8KeepsTheExtremes() {
    assertArrayEquals(new byte[] {127, -127, 0, 64},
        Quantization.int8(new float[] {1f, -1f, 0f, 0.5f}));
  }

  @Test
  void binaryPacksSignsMostSignificantBitFirst() {
    byte[] bits = Quantization.binary(new float[] {1, -1, 1, 1, -1, -1, -1, 1, 0.5f, -0f});
    assertArrayEquals(new byte[] {(byte) 0b10110001, (byte) 0b10000000}, bits);
    float[] back = Quantization.decodeBinary(bits, 10);
    assertEquals(10, back.length);
    double norm = 0;
    for (float v : back) {
      norm += v * v;
    }
    assertEquals(1.0, norm, 1e-6);
    assertTrue(back[0] > 0 && back[1] < 0 && back[8] > 0 && back[9] < 0);
  }

  @Test
  void binaryOfTheWrongLengthIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Quantization.decodeBinary(new byte[2], 17));
  }
}
