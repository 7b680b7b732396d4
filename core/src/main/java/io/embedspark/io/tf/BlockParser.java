package io.embedspark.io.tf;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the entries of one uncompressed LevelDB block. Each entry is {@code shared varint32,
 * non_shared varint32, value_length varint32, key_delta[non_shared], value[value_length]}; its key
 * is the first {@code shared} bytes of the previous key followed by the delta. The block ends with
 * {@code uint32 restarts[num_restarts]} and {@code uint32 num_restarts}; each restart offset points
 * at an entry whose {@code shared} is 0.
 */
final class BlockParser {

  /** One key/value pair of a block. */
  record Entry(byte[] key, byte[] value) {}

  private BlockParser() {}

  /**
   * Returns the entries of the block stored in {@code buf[offset, offset + length)}, in order.
   *
   * @param context file name for error messages
   * @param what the block's role for error messages, e.g. "index block"
   */
  static List<Entry> parse(byte[] buf, int offset, int length, String context, String what) {
    String where = context + ": " + what;
    int entriesLength = entriesLength(buf, offset, length, where);
    int[] restarts = readRestarts(buf, offset + entriesLength, length - entriesLength, where);
    checkRestarts(restarts, entriesLength, new ByteCursor(buf, offset, length, where));
    return decodeEntries(new ByteCursor(buf, offset, entriesLength, where), restarts);
  }

  private static int entriesLength(byte[] buf, int offset, int length, String where) {
    ByteCursor in = new ByteCursor(buf, offset, length, where);
    if (length < 4) {
      throw in.error("block of " + length + " bytes is too small for num_restarts");
    }
    in.skip(length - 4, "block");
    long numRestarts = in.readFixed32("num_restarts") & 0xffffffffL;
    long trailer = 4 * numRestarts + 4;
    if (numRestarts == 0 || trailer > length) {
      throw in.error("num_restarts " + numRestarts + " does not fit a block of " + length
          + " bytes");
    }
    return length - (int) trailer;
  }

  private static int[] readRestarts(byte[] buf, int offset, int length, String where) {
    ByteCursor in = new ByteCursor(buf, offset, length - 4, where);
    int[] restarts = new int[(length - 4) / 4];
    for (int i = 0; i < restarts.length; i++) {
      restarts[i] = in.readFixed32("restart offset");
    }
    return restarts;
  }

  private static void checkRestarts(int[] restarts, int entriesLength, ByteCursor block) {
    for (int i = 0; i < restarts.length; i++) {
      long r = restarts[i] & 0xffffffffL;
      boolean emptyBlock = entriesLength == 0 && r == 0;
      boolean increasing = i == 0 ? r == 0 : r > (restarts[i - 1] & 0xffffffffL);
      if (!emptyBlock && (r >= entriesLength || !increasing)) {
        throw block.error("restart offset #" + i + " = " + r
            + " is not increasing from 0 within the " + entriesLength + " bytes of entries");
      }
    }
  }

  private static List<Entry> decodeEntries(ByteCursor in, int[] restarts) {
    int base = in.position();
    List<Entry> out = new ArrayList<>();
    byte[] prev = new byte[0];
    int nextRestart = 0;
    while (in.hasRemaining()) {
      int entryOffset = in.position() - base;
      boolean atRestart = nextRestart < restarts.length && restarts[nextRestart] == entryOffset;
      nextRestart += atRestart ? 1 : 0;
      Entry entry = decodeEntry(in, prev, entryOffset, atRestart);
      out.add(entry);
      prev = entry.key();
    }
    if (nextRestart != restarts.length && !(out.isEmpty() && restarts.length == 1)) {
      throw in.error("restart offset " + restarts[nextRestart] + " does not point at an entry");
    }
    return out;
  }

  private static Entry decodeEntry(ByteCursor in, byte[] prev, int entryOffset, boolean restart) {
    int shared = in.readVarint32("shared key length");
    int nonShared = in.readVarint32("non_shared key length");
    int valueLength = in.readVarint32("value length");
    if (shared > prev.length || restart && shared != 0) {
      throw in.error("entry at offset " + entryOffset + " shares " + shared
          + " key bytes with a previous key of " + prev.length + " bytes"
          + (restart ? " at a restart point" : ""));
    }
    byte[] delta = in.readBytes(nonShared, "key delta");
    byte[] value = in.readBytes(valueLength, "value");
    byte[] key = new byte[shared + nonShared];
    System.arraycopy(prev, 0, key, 0, shared);
    System.arraycopy(delta, 0, key, shared, nonShared);
    return new Entry(key, value);
  }
}
