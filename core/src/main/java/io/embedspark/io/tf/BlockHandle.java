package io.embedspark.io.tf;

/**
 * Location of a block inside an SSTable file: offset and size of the block contents, excluding the
 * 5-byte trailer. Encoded as two varint64s.
 *
 * @param offset byte offset of the block contents
 * @param size length of the block contents in bytes
 */
record BlockHandle(long offset, long size) {

  static BlockHandle decode(ByteCursor in, String field) {
    long offset = in.readVarint64(field + ".offset");
    long size = in.readVarint64(field + ".size");
    if (offset < 0 || size < 0) {
      throw in.error(field + " has negative offset " + offset + " or size " + size);
    }
    return new BlockHandle(offset, size);
  }
}
