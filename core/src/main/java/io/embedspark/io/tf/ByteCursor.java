package io.embedspark.io.tf;

import io.embedspark.error.CorruptArtifactException;

/**
 * A bounds-checked reading position over a byte array: varints, little-endian fixed-width integers
 * and sub-ranges. Every failure is a {@link CorruptArtifactException} prefixed with a context that
 * names the file and the structure being read.
 */
final class ByteCursor {
  private final byte[] buf;
  private final int limit;
  private final String context;
  private int pos;

  ByteCursor(byte[] buf, int offset, int length, String context) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + buf.length);
    }
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
    this.context = context;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return limit - pos;
  }

  boolean hasRemaining() {
    return pos < limit;
  }

  /** Reads an unsigned LEB128 varint of at most 10 bytes. */
  long readVarint64(String field) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw error("truncated varint in " + field);
      }
      int b = buf[pos++] & 0xff;
      result |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        return result;
      }
    }
    throw error("varint longer than 10 bytes in " + field);
  }

  /** Reads a varint that must fit a non-negative {@code int} (lengths and counts). */
  int readVarint32(String field) {
    long v = readVarint64(field);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw error(field + " = " + Long.toUnsignedString(v) + " is out of range");
    }
    return (int) v;
  }

  int readFixed32(String field) {
    require(4, field);
    int v = (buf[pos] & 0xff)
        | (buf[pos + 1] & 0xff) << 8
        | (buf[pos + 2] & 0xff) << 16
        | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  long readFixed64(String field) {
    long lo = readFixed32(field) & 0xffffffffL;
    long hi = readFixed32(field) & 0xffffffffL;
    return lo | hi << 32;
  }

  byte[] readBytes(int n, String field) {
    require(n, field);
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  /** Returns a cursor over the next {@code n} bytes and moves past them. */
  ByteCursor slice(int n, String field) {
    require(n, field);
    ByteCursor sub = new ByteCursor(buf, pos, n, context);
    pos += n;
    return sub;
  }

  void skip(int n, String field) {
    require(n, field);
    pos += n;
  }

  CorruptArtifactException error(String message) {
    return new CorruptArtifactException(context + ": " + message);
  }

  private void require(int n, String field) {
    if (n < 0 || n > limit - pos) {
      throw error(field + " needs " + n + " bytes at offset " + pos + " but only "
          + (limit - pos) + " remain");
    }
  }
}
