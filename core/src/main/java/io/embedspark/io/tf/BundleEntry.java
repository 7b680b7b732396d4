package io.embedspark.io.tf;

import java.util.Arrays;

/**
 * One tensor's entry in a tensor-bundle index (a decoded {@code BundleEntryProto}).
 *
 * @param dtype TensorFlow {@code DataType} code, e.g. 1 = DT_FLOAT, 9 = DT_INT64
 * @param shape dimensions, outermost first; empty for a scalar
 * @param shardId data file the bytes live in; always 0 here, as only single-shard bundles load
 * @param offset byte offset of the tensor in its data file
 * @param size byte length of the tensor in its data file
 * @param crc32c the CRC-32C of those bytes, masked as TensorFlow stores it (see
 *     {@link #unmaskedCrc32c()})
 */
public record BundleEntry(int dtype, long[] shape, int shardId, long offset, long size,
    int crc32c) {

  public BundleEntry {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The plain CRC-32C of the tensor's bytes. */
  public int unmaskedCrc32c() {
    return MaskedCrc32c.unmask(crc32c);
  }

  /** TensorFlow's name of {@link #dtype()}, e.g. "DT_FLOAT", or "DT_<code>" if unknown here. */
  public String dtypeName() {
    return switch (dtype) {
      case 1 -> "DT_FLOAT";
      case 2 -> "DT_DOUBLE";
      case 3 -> "DT_INT32";
      case 4 -> "DT_UINT8";
      case 5 -> "DT_INT16";
      case 6 -> "DT_INT8";
      case 7 -> "DT_STRING";
      case 9 -> "DT_INT64";
      case 10 -> "DT_BOOL";
      case 14 -> "DT_BFLOAT16";
      case 19 -> "DT_HALF";
      case 20 -> "DT_RESOURCE";
      case 21 -> "DT_VARIANT";
      default -> "DT_" + dtype;
    };
  }

  /** Whether {@link TensorBundleReader#readAll} loads this entry (float32/64, half, bfloat16). */
  public boolean isFloatingPoint() {
    return FloatDtype.of(dtype) != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BundleEntry e
        && dtype == e.dtype
        && Arrays.equals(shape, e.shape)
        && shardId == e.shardId
        && offset == e.offset
        && size == e.size
        && crc32c == e.crc32c;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new long[] {dtype, Arrays.hashCode(shape), shardId, offset, size,
        crc32c});
  }

  @Override
  public String toString() {
    return dtypeName() + Arrays.toString(shape) + "@" + offset + "+" + size;
  }
}
