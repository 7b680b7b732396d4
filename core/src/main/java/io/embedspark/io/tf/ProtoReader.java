package io.embedspark.io.tf;

import io.embedspark.error.CorruptArtifactException;

/**
 * A minimal protocol-buffers wire-format reader: iterate fields with {@link #next()}, then read the
 * current field with the accessor matching its declared type. Unknown fields are skipped with
 * {@link #skip()}. A field whose wire type does not match its declared type is an error.
 */
final class ProtoReader {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final ByteCursor in;
  private int field;
  private int wireType;

  /**
   * @param bytes a serialized message
   * @param context names the file and message for error messages
   */
  ProtoReader(byte[] bytes, String context) {
    this(new ByteCursor(bytes, 0, bytes.length, context));
  }

  private ProtoReader(ByteCursor in) {
    this.in = in;
  }

  /** Reads the next tag; returns false at the end of the message. */
  boolean next() {
    if (!in.hasRemaining()) {
      return false;
    }
    long tag = in.readVarint64("field tag");
    field = (int) (tag >>> 3);
    wireType = (int) (tag & 7);
    if (field <= 0 || tag >>> 3 > 0x1fffffff) {
      throw in.error("invalid field number " + (tag >>> 3));
    }
    return true;
  }

  /** Field number of the current field. */
  int field() {
    return field;
  }

  long readInt64(String name) {
    expect(VARINT, name);
    return in.readVarint64(name);
  }

  /** An int32 or enum; negative values are sign-extended to 10 bytes on the wire. */
  int readInt32(String name) {
    long v = readInt64(name);
    if ((int) v != v) {
      throw in.error(name + " = " + v + " does not fit int32");
    }
    return (int) v;
  }

  boolean readBool(String name) {
    return readInt64(name) != 0;
  }

  int readFixed32(String name) {
    expect(FIXED32, name);
    return in.readFixed32(name);
  }

  /** Returns a reader over an embedded message field. */
  ProtoReader readMessage(String name) {
    expect(LENGTH_DELIMITED, name);
    int length = in.readVarint32(name + " length");
    return new ProtoReader(in.slice(length, name));
  }

  /** Skips the current field, whatever its wire type. */
  void skip() {
    switch (wireType) {
      case VARINT -> in.readVarint64("field " + field);
      case FIXED64 -> in.skip(8, "field " + field);
      case LENGTH_DELIMITED -> in.skip(in.readVarint32("field " + field + " length"),
          "field " + field);
      case FIXED32 -> in.skip(4, "field " + field);
      default -> throw in.error("field " + field + " has unsupported wire type " + wireType);
    }
  }

  CorruptArtifactException error(String message) {
    return in.error(message);
  }

  private void expect(int expected, String name) {
    if (wireType != expected) {
      throw in.error(name + " (field " + field + ") has wire type " + wireType
          + ", expected " + expected);
    }
  }
}
