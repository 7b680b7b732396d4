package io.embedspark.io.tf;

import io.embedspark.error.CorruptArtifactException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads every key/value pair of an uncompressed LevelDB-format table (SSTable) held in memory.
 *
 * <p>The file ends with a 48-byte footer: the metaindex and index {@link BlockHandle}s, zero
 * padding to 40 bytes, and the magic number {@code 0xdb4775248b80fb57} little-endian. The index
 * block maps a separator key to the handle of each data block. Every block is followed by a 5-byte
 * trailer: the compression type (0 = none) and the masked CRC-32C of the contents plus that type
 * byte. Checksums are verified, keys must be strictly increasing and valid UTF-8. The metaindex
 * block (filters) is not used.
 */
final class SsTableReader {
  static final long MAGIC = 0xdb4775248b80fb57L;
  static final int FOOTER_LENGTH = 48;
  static final int BLOCK_TRAILER_LENGTH = 5;
  private static final int HANDLES_LENGTH = 40;
  private static final int NO_COMPRESSION = 0;
  private static final int SNAPPY_COMPRESSION = 1;

  private SsTableReader() {}

  /**
   * Returns all entries of the table in key order.
   *
   * @param file the whole table file
   * @param source the file's name, for error messages
   */
  static LinkedHashMap<String, byte[]> readAll(byte[] file, String source) {
    BlockHandle indexHandle = readFooter(file, source);
    ByteRange index = blockContents(file, indexHandle, source, "index block");
    LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
    byte[] previousKey = null;
    for (BlockParser.Entry handleEntry : index.entries(source, "index block")) {
      ByteCursor value = new ByteCursor(handleEntry.value(), 0, handleEntry.value().length,
          source + ": index block");
      BlockHandle handle = BlockHandle.decode(value, "data block handle");
      String what = "data block at offset " + handle.offset();
      for (BlockParser.Entry e : blockContents(file, handle, source, what).entries(source, what)) {
        checkOrder(previousKey, e.key(), source, what);
        out.put(utf8(e.key(), source, what), e.value());
        previousKey = e.key();
      }
    }
    return out;
  }

  private static BlockHandle readFooter(byte[] file, String source) {
    if (file.length < FOOTER_LENGTH) {
      throw new CorruptArtifactException(source + ": " + file.length
          + " bytes is shorter than the " + FOOTER_LENGTH + "-byte table footer (truncated?)");
    }
    int footerStart = file.length - FOOTER_LENGTH;
    ByteCursor magic = new ByteCursor(file, file.length - 8, 8, source);
    long found = magic.readFixed64("magic number");
    if (found != MAGIC) {
      throw new CorruptArtifactException(String.format(
          "%s: footer magic number is 0x%016x, expected 0x%016x (truncated or not a table file)",
          source, found, MAGIC));
    }
    ByteCursor handles = new ByteCursor(file, footerStart, HANDLES_LENGTH, source + ": footer");
    BlockHandle.decode(handles, "metaindex handle");
    return BlockHandle.decode(handles, "index handle");
  }

  private static ByteRange blockContents(
      byte[] file, BlockHandle handle, String source, String what) {
    long end = handle.offset() + handle.size() + BLOCK_TRAILER_LENGTH;
    if (handle.size() > Integer.MAX_VALUE || end < 0 || end > file.length - FOOTER_LENGTH) {
      throw new CorruptArtifactException(source + ": " + what + " of " + handle.size()
          + " bytes at offset " + handle.offset() + " (plus trailer) extends past the "
          + (file.length - FOOTER_LENGTH) + " bytes before the footer");
    }
    int offset = (int) handle.offset();
    int size = (int) handle.size();
    checkTrailer(file, offset, size, source + ": " + what);
    return new ByteRange(file, offset, size);
  }

  private static void checkTrailer(byte[] file, int offset, int size, String where) {
    int type = file[offset + size] & 0xff;
    ByteCursor trailer = new ByteCursor(file, offset + size + 1, 4, where);
    int stored = MaskedCrc32c.unmask(trailer.readFixed32("block checksum"));
    int actual = MaskedCrc32c.of(file, offset, size + 1);
    if (stored != actual) {
      throw new CorruptArtifactException(String.format(
          "%s: block checksum mismatch: stored crc32c 0x%08x, computed 0x%08x",
          where, stored, actual));
    }
    if (type == SNAPPY_COMPRESSION) {
      throw new CorruptArtifactException(where + " is snappy-compressed (compression type 1);"
          + " only uncompressed tables (type 0, as TensorFlow writes them) are supported");
    }
    if (type != NO_COMPRESSION) {
      throw new CorruptArtifactException(where + " has unknown compression type " + type);
    }
  }

  private static void checkOrder(byte[] previous, byte[] key, String source, String what) {
    if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
      throw new CorruptArtifactException(source + ": " + what + ": key '"
          + new String(key, StandardCharsets.UTF_8) + "' is not after the previous key '"
          + new String(previous, StandardCharsets.UTF_8) + "'");
    }
  }

  private static String utf8(byte[] key, String source, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CorruptArtifactException(source + ": " + what + ": key "
          + Arrays.toString(key) + " is not valid UTF-8", e);
    }
  }

  /** A verified block's contents inside the file array. */
  private record ByteRange(byte[] file, int offset, int size) {
    List<BlockParser.Entry> entries(String source, String what) {
      return BlockParser.parse(file, offset, size, source, what);
    }
  }
}
