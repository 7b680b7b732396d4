package io.embedspark.io.tf;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.FloatTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads tensors out of a bundle data file: checks each entry's byte range against the file,
 * streams the bytes in chunks through CRC-32C and the dtype decoder, and compares the checksum
 * with the entry's (masked) {@code crc32c}.
 */
final class TensorDataReader {
  /** Chunk size; a multiple of every element size, so no element straddles two chunks. */
  private static final int CHUNK = 1 << 20;
  /** Largest Java array. */
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private final FileChannel channel;
  private final String source;
  private final long fileSize;
  private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

  TensorDataReader(FileChannel channel, String source) throws IOException {
    this.channel = channel;
    this.source = source;
    this.fileSize = channel.size();
  }

  /** Throws unless {@code [offset, offset + size)} lies inside the data file. */
  void checkBounds(String name, BundleEntry entry) {
    long end = entry.offset() + entry.size();
    if (end < 0 || end > fileSize) {
      throw error(name, "offset " + entry.offset() + " + size " + entry.size()
          + " extends past the end of the " + fileSize + "-byte data file");
    }
  }

  /** Reads, verifies and converts one floating-point tensor. */
  FloatTensor read(String name, BundleEntry entry, FloatDtype dtype) throws IOException {
    float[] values = new float[elementCount(name, entry, dtype)];
    CRC32C crc = new CRC32C();
    long position = entry.offset();
    long remaining = entry.size();
    int written = 0;
    while (remaining > 0) {
      int n = (int) Math.min(CHUNK, remaining);
      readChunk(name, position, n);
      crc.update(chunk.duplicate());
      written = dtype.decode(chunk, values, written);
      position += n;
      remaining -= n;
    }
    checkCrc(name, entry, (int) crc.getValue());
    return new FloatTensor(entry.shape(), values);
  }

  private int elementCount(String name, BundleEntry entry, FloatDtype dtype) {
    long count = FloatTensor.elementCount(entry.shape());
    if (count > MAX_ELEMENTS) {
      throw error(name, "shape has " + count + " elements, more than a Java array holds");
    }
    if (entry.size() != count * dtype.byteSize) {
      throw error(name, "size is " + entry.size() + " bytes, expected " + count + " elements x "
          + dtype.byteSize + " bytes of " + entry.dtypeName());
    }
    return (int) count;
  }

  private void readChunk(String name, long position, int n) throws IOException {
    chunk.clear().limit(n);
    while (chunk.hasRemaining()) {
      if (channel.read(chunk, position + chunk.position()) < 0) {
        throw error(name, "data file ended at " + (position + chunk.position())
            + " while reading the tensor (was it truncated?)");
      }
    }
    chunk.flip();
  }

  private void checkCrc(String name, BundleEntry entry, int actual) {
    if (actual != entry.unmaskedCrc32c()) {
      throw error(name, String.format(
          "crc32c mismatch: index says 0x%08x, data bytes at offset %d give 0x%08x",
          entry.unmaskedCrc32c(), entry.offset(), actual));
    }
  }

  private CorruptArtifactException error(String name, String message) {
    return new CorruptArtifactException(source + ": tensor '" + name + "': " + message);
  }
}
