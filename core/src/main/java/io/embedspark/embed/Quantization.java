package io.embedspark.embed;

/**
 * Quantised forms of a unit-length embedding, for compact storage and fast first-pass search.
 *
 * <ul>
 *   <li><b>int8 (scalar):</b> each coordinate x in [-1, 1] stored as round(127 x); decoding
 *       q / 127 is within 0.5 / 127 of x in every coordinate.
 *   <li><b>binary:</b> one bit per coordinate, 1 where x > 0, packed most significant bit first
 *       (ceil(d / 8) bytes); decoded to +-1 / sqrt(d), a unit vector whose cosine with x is
 *       ||x||_1 / sqrt(d). Hamming distance between codes ranks like the angle between the sign
 *       vectors (as in binary embedding quantisation, e.g. Shakir et al. 2024, "Binary and
 *       Scalar Embedding Quantization", Hugging Face).
 * </ul>
 */
public final class Quantization {
  /** The largest error of an int8-decoded coordinate. */
  public static final double INT8_MAX_ERROR = 0.5 / 127;

  private Quantization() {}

  public static byte[] int8(float[] unit) {
    byte[] q = new byte[unit.length];
    for (int i = 0; i < unit.length; i++) {
      q[i] = (byte) Math.max(-127, Math.min(127, Math.round(unit[i] * 127.0)));
    }
    return q;
  }

  public static float[] decodeInt8(byte[] q) {
    float[] x = new float[q.length];
    for (int i = 0; i < q.length; i++) {
      x[i] = q[i] / 127f;
    }
    return x;
  }

  public static byte[] binary(float[] x) {
    byte[] bits = new byte[(x.length + 7) / 8];
    for (int i = 0; i < x.length; i++) {
      if (x[i] > 0) {
        bits[i >> 3] |= (byte) (0x80 >>> (i & 7));
      }
    }
    return bits;
  }

  public static float[] decodeBinary(byte[] bits, int dim) {
    if (bits.length != (dim + 7) / 8) {
      throw new IllegalArgumentException(bits.length + " bytes cannot hold exactly " + dim
          + " bits");
    }
    float[] x = new float[dim];
    float v = (float) (1.0 / Math.sqrt(dim));
    for (int i = 0; i < dim; i++) {
      x[i] = (bits[i >> 3] & (0x80 >>> (i & 7))) != 0 ? v : -v;
    }
    return x;
  }
}
