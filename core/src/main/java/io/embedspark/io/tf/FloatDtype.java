package io.embedspark.io.tf;

import java.nio.ByteBuffer;

/** The floating-point TensorFlow dtypes this package converts to float32, with their decoders. */
enum FloatDtype {
  FLOAT(1, 4) {
    @Override
    int decode(ByteBuffer src, float[] dst, int pos) {
      int n = src.remaining() / 4;
      src.asFloatBuffer().get(dst, pos, n);
      return pos + n;
    }
  },
  DOUBLE(2, 8) {
    @Override
    int decode(ByteBuffer src, float[] dst, int pos) {
      while (src.hasRemaining()) {
        dst[pos++] = (float) src.getDouble();
      }
      return pos;
    }
  },
  BFLOAT16(14, 2) {
    @Override
    int decode(ByteBuffer src, float[] dst, int pos) {
      while (src.hasRemaining()) {
        dst[pos++] = Float.intBitsToFloat((src.getShort() & 0xffff) << 16);
      }
      return pos;
    }
  },
  HALF(19, 2) {
    @Override
    int decode(ByteBuffer src, float[] dst, int pos) {
      while (src.hasRemaining()) {
        dst[pos++] = halfToFloat(src.getShort());
      }
      return pos;
    }
  };

  /** TensorFlow {@code DataType} enum value. */
  final int code;
  /** Bytes per element in the data file. */
  final int byteSize;

  FloatDtype(int code, int byteSize) {
    this.code = code;
    this.byteSize = byteSize;
  }

  /** The dtype with this TensorFlow code, or null if it is not a supported floating type. */
  static FloatDtype of(int code) {
    for (FloatDtype d : values()) {
      if (d.code == code) {
        return d;
      }
    }
    return null;
  }

  /**
   * Decodes all remaining little-endian elements of {@code src} (a whole number of elements) into
   * {@code dst} starting at {@code pos}; returns the position after the last one written.
   */
  abstract int decode(ByteBuffer src, float[] dst, int pos);

  /** IEEE 754 binary16 to float32, including subnormals, infinities and NaN. */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
  }
}
