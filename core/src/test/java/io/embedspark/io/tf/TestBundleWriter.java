package io.embedspark.io.tf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Test-only writer of single-shard tensor bundles, written independently of the reader from the
 * format description: one data block (restart every 16 keys), an empty metaindex block, a
 * one-entry index block and the 48-byte footer. Hooks can break the output in specific ways.
 */
final class TestBundleWriter {
  static final int DT_FLOAT = 1;
  static final int DT_DOUBLE = 2;
  static final int DT_INT64 = 9;
  static final int DT_BFLOAT16 = 14;
  static final int DT_HALF = 19;

  /** Paths of a written bundle. */
  record Written(Path prefix, Path index, Path data) {}

  private record Tensor(int dtype, long[] shape, byte[] data) {}

  private final TreeMap<String, Tensor> tensors = new TreeMap<>();
  private final Map<String, Long> offsetOverrides = new HashMap<>();
  private final Set<String> sliced = new HashSet<>();
  private int compressionType = 0;
  private int numShards = 1;

  TestBundleWriter addFloat(String name, long[] shape, float... values) {
    ByteBuffer b = le(4 * values.length);
    for (float v : values) {
      b.putFloat(v);
    }
    return addRaw(name, DT_FLOAT, shape, b.array());
  }

  TestBundleWriter addInt64(String name, long[] shape, long... values) {
    ByteBuffer b = le(8 * values.length);
    for (long v : values) {
      b.putLong(v);
    }
    return addRaw(name, DT_INT64, shape, b.array());
  }

  TestBundleWriter addRaw(String name, int dtype, long[] shape, byte[] data) {
    tensors.put(name, new Tensor(dtype, shape, data));
    return this;
  }

  /** Stores this (wrong) offset in the named tensor's entry. */
  TestBundleWriter overrideOffset(String name, long offset) {
    offsetOverrides.put(name, offset);
    return this;
  }

  /** Adds an (empty) slices field to the named tensor's entry. */
  TestBundleWriter withSlices(String name) {
    sliced.add(name);
    return this;
  }

  /** Compression-type byte written in the data block's trailer (the bytes stay raw). */
  TestBundleWriter dataBlockCompression(int type) {
    compressionType = type;
    return this;
  }

  TestBundleWriter numShards(int n) {
    numShards = n;
    return this;
  }

  /** Writes {@code dir/variables.index} and {@code dir/variables.data-00000-of-00001}. */
  Written write(Path dir) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    List<byte[][]> entries = new ArrayList<>();
    entries.add(new byte[][] {new byte[0], header()});
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      long offset = offsetOverrides.getOrDefault(e.getKey(), (long) data.size());
      entries.add(new byte[][] {utf8(e.getKey()), entry(e.getKey(), e.getValue(), offset)});
      data.write(e.getValue().data());
    }
    Path prefix = dir.resolve("variables");
    Written w = new Written(prefix, dir.resolve("variables.index"),
        dir.resolve("variables.data-00000-of-00001"));
    Files.write(w.index(), table(entries));
    Files.write(w.data(), data.toByteArray());
    return w;
  }

  private byte[] header() {
    ByteArrayOutputStream version = new ByteArrayOutputStream();
    varintField(version, 1, 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varintField(out, 1, numShards);
    bytesField(out, 3, version.toByteArray());
    return out.toByteArray();
  }

  private byte[] entry(String name, Tensor t, long offset) {
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (long d : t.shape()) {
      ByteArrayOutputStream dim = new ByteArrayOutputStream();
      varintField(dim, 1, d);
      bytesField(shape, 2, dim.toByteArray());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varintField(out, 1, t.dtype());
    bytesField(out, 2, shape.toByteArray());
    varintField(out, 4, offset);
    varintField(out, 5, t.data().length);
    varint(out, 6 << 3 | 5);
    out.writeBytes(le(4).putInt(mask(crc(t.data(), t.data().length))).array());
    if (sliced.contains(name)) {
      bytesField(out, 7, new byte[0]);
    }
    return out.toByteArray();
  }

  private byte[] table(List<byte[][]> entries) {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    long dataHandleOffset = file.size();
    byte[] dataBlock = block(entries, 16);
    appendBlock(file, dataBlock, compressionType);
    long metaOffset = file.size();
    byte[] metaBlock = block(List.of(), 16);
    appendBlock(file, metaBlock, 0);
    ByteArrayOutputStream dataHandle = new ByteArrayOutputStream();
    varint(dataHandle, dataHandleOffset);
    varint(dataHandle, dataBlock.length);
    byte[] lastKey = entries.get(entries.size() - 1)[0];
    long indexOffset = file.size();
    byte[] indexBlock = block(List.<byte[][]>of(new byte[][] {lastKey, dataHandle.toByteArray()}),
        1);
    appendBlock(file, indexBlock, 0);
    file.writeBytes(footer(metaOffset, metaBlock.length, indexOffset, indexBlock.length));
    return file.toByteArray();
  }

  /** A LevelDB block: prefix-compressed entries, restarts every {@code interval} keys. */
  static byte[] block(List<byte[][]> entries, int interval) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> restarts = new ArrayList<>(List.of(0));
    byte[] prev = new byte[0];
    int sinceRestart = 0;
    for (byte[][] kv : entries) {
      int shared = 0;
      if (sinceRestart == interval) {
        restarts.add(out.size());
        sinceRestart = 0;
      } else {
        while (shared < prev.length && shared < kv[0].length && prev[shared] == kv[0][shared]) {
          shared++;
        }
      }
      varint(out, shared);
      varint(out, kv[0].length - shared);
      varint(out, kv[1].length);
      out.write(kv[0], shared, kv[0].length - shared);
      out.writeBytes(kv[1]);
      prev = kv[0];
      sinceRestart++;
    }
    for (int r : restarts) {
      out.writeBytes(le(4).putInt(r).array());
    }
    out.writeBytes(le(4).putInt(restarts.size()).array());
    return out.toByteArray();
  }

  private static void appendBlock(ByteArrayOutputStream file, byte[] block, int type) {
    byte[] withType = new byte[block.length + 1];
    System.arraycopy(block, 0, withType, 0, block.length);
    withType[block.length] = (byte) type;
    file.writeBytes(withType);
    file.writeBytes(le(4).putInt(mask(crc(withType, withType.length))).array());
  }

  private static byte[] footer(long metaOffset, long metaSize, long indexOffset, long indexSize) {
    ByteArrayOutputStream handles = new ByteArrayOutputStream();
    varint(handles, metaOffset);
    varint(handles, metaSize);
    varint(handles, indexOffset);
    varint(handles, indexSize);
    ByteBuffer footer = le(48);
    footer.put(handles.toByteArray());
    footer.position(40);
    footer.putLong(0xdb4775248b80fb57L);
    return footer.array();
  }

  static int mask(int crc) {
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  private static int crc(byte[] b, int length) {
    CRC32C c = new CRC32C();
    c.update(b, 0, length);
    return (int) c.getValue();
  }

  private static void varintField(ByteArrayOutputStream out, int field, long value) {
    varint(out, (long) field << 3);
    varint(out, value);
  }

  private static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
    varint(out, (long) field << 3 | 2);
    varint(out, value.length);
    out.writeBytes(value);
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
