package io.embedspark.io.tf;

import java.util.zip.CRC32C;

/**
 * CRC-32C as LevelDB and TensorFlow store it: masked by rotating right 15 bits and adding a
 * constant, so that a CRC computed over data that itself contains CRCs stays well distributed.
 */
final class MaskedCrc32c {
  private static final int MASK_DELTA = 0xa282ead8;

  private MaskedCrc32c() {}

  static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }

  /** Plain (unmasked) CRC-32C of a byte range. */
  static int of(byte[] buf, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buf, offset, length);
    return (int) crc.getValue();
  }
}
