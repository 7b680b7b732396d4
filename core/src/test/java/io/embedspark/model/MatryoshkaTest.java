package io.embedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Tests {@link Matryoshka#truncate(float[], int)}. */
class MatryoshkaTest {

  /** A random unit vector of {@code dim} coordinates. */
  private static float[] unit(int dim, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[dim];
    double sq = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
      sq += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] = (float) (v[i] / Math.sqrt(sq));
    }
    return v;
  }

  private static double norm(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    return Math.sqrt(sq);
  }

  @Test
  void truncationIsRenormalisedToUnitLength() {
    float[] e = unit(768, 1);
    for (int dim : new int[] {1, 64, 128, 256, 512, 768}) {
      float[] t = Matryoshka.truncate(e, dim);
      assertEquals(dim, t.length, "prefix of " + dim);
      assertEquals(1.0, norm(t), 1e-6, "unit length at dim " + dim);
    }
  }

  @Test
  void truncationKeepsTheDirectionOfThePrefix() {
    float[] e = unit(64, 2);
    float[] t = Matryoshka.truncate(e, 16);
    double prefixNorm = 0;
    for (int i = 0; i < 16; i++) {
      prefixNorm += (double) e[i] * e[i];
    }
    prefixNorm = Math.sqrt(prefixNorm);
    double dot = 0;
    for (int i = 0; i < 16; i++) {
      assertEquals(e[i] / prefixNorm, t[i], 1e-6, "coordinate " + i + " is the prefix scaled");
      dot += t[i] * e[i];
    }
    assertEquals(1.0, dot / prefixNorm, 1e-6, "cosine between prefix and truncation is 1");
  }

  @Test
  void fullDimensionOfAUnitVectorIsUnchanged() {
    float[] e = unit(32, 3);
    assertArrayEquals(e, Matryoshka.truncate(e, 32), 1e-6f, "already unit length");
  }

  @Test
  void inputIsNotModified() {
    float[] e = {3f, 4f, 12f};
    Matryoshka.truncate(e, 2);
    assertArrayEquals(new float[] {3f, 4f, 12f}, e, "truncate returns a new array");
  }

  @Test
  void knownValues() {
    assertArrayEquals(new float[] {0.6f, 0.8f}, Matryoshka.truncate(new float[] {3f, 4f, 12f}, 2),
        1e-7f, "(3, 4) / 5");
  }

  @Test
  void zeroPrefixStaysZero() {
    assertArrayEquals(new float[] {0f, 0f}, Matryoshka.truncate(new float[] {0f, 0f, 1f}, 2),
        "no division by zero");
  }

  @Test
  void rejectsDimsOutOfRange() {
    float[] e = unit(8, 4);
    for (int dim : new int[] {0, -1, 9}) {
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
          () -> Matryoshka.truncate(e, dim), "dim " + dim + " is outside 1..8");
      assertTrue(ex.getMessage().contains(Integer.toString(dim))
          && ex.getMessage().contains("1..8"), "message names the dim and range: "
          + ex.getMessage());
    }
  }
}
