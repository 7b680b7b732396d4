package io.embedspark.io;

import java.util.Arrays;

/**
 * A named dense tensor held as row-major float32 values, the unit that checkpoint readers and
 * writers exchange. Readers convert stored F16/BF16/F64 data to float32.
 *
 * @param shape dimensions, outermost first; an empty array is a scalar
 * @param values row-major values, {@code values.length == product(shape)}
 */
public record FloatTensor(long[] shape, float[] values) {

  public FloatTensor {
    long n = elementCount(shape);
    if (n != values.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, got " + values.length);
    }
  }

  /** Number of elements of a shape, with overflow checking; throws on a negative dimension. */
  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public int rank() {
    return shape.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
