package io.embedspark.io.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.FloatTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBundleReaderTest {
  private static final String LAYER = "bert/encoder/layer_0/attention/self/query/";
  private static final String KERNEL = LAYER + "kernel";
  private static final String BIAS = LAYER + "bias";
  private static final String SCALAR = "bert/embeddings/scale";
  private static final String STEP = "global_step";
  private static final float[] KERNEL_VALUES = {1f, -2f, 3.5f, 0f, 1e-7f, -1e30f};

  @TempDir Path dir;

  /** Header + 4 named tensors + 20 fillers with shared prefixes: more than one restart run. */
  private static TestBundleWriter sample() {
    TestBundleWriter w = new TestBundleWriter()
        .addFloat(KERNEL, new long[] {2, 3}, KERNEL_VALUES)
        .addFloat(BIAS, new long[] {3}, 0.5f, 0.25f, -0.125f)
        .addFloat(SCALAR, new long[0], 42f)
        .addInt64(STEP, new long[0], 1_000_000L);
    for (int i = 1; i <= 10; i++) {
      String layer = "bert/encoder/layer_" + i + "/output/dense/";
      w.addFloat(layer + "bias", new long[] {2}, i, -i);
      w.addFloat(layer + "kernel", new long[] {1, 2}, 2 * i, 3 * i);
    }
    return w;
  }

  @Test
  void roundTripsFloatTensorsAndSkipsInt64() throws IOException {
    TestBundleWriter.Written w = sample().write(dir);
    Map<String, FloatTensor> all = TensorBundleReader.readAll(w.index(), w.data());

    assertEquals(new FloatTensor(new long[] {2, 3}, KERNEL_VALUES), all.get(KERNEL));
    assertEquals(new FloatTensor(new long[] {3}, new float[] {0.5f, 0.25f, -0.125f}),
        all.get(BIAS));
    assertEquals(new FloatTensor(new long[0], new float[] {42f}), all.get(SCALAR));
    assertArrayEquals(new float[] {7, -7},
        all.get("bert/encoder/layer_7/output/dense/bias").values());
    assertArrayEquals(new float[] {20, 30},
        all.get("bert/encoder/layer_10/output/dense/kernel").values());
    assertFalse(all.containsKey(STEP));
    assertFalse(all.containsKey(""));
    assertEquals(23, all.size());
  }

  @Test
  void readAllWithPrefixFindsBothFiles() throws IOException {
    TestBundleWriter.Written w = sample().write(dir);
    assertEquals(TensorBundleReader.readAll(w.index(), w.data()),
        TensorBundleReader.readAll(w.prefix()));
  }

  @Test
  void readIndexListsAllEntriesInKeyOrder() throws IOException {
    TestBundleWriter.Written w = sample().write(dir);
    Map<String, BundleEntry> index = TensorBundleReader.readIndex(w.index());

    assertEquals(24, index.size());
    List<String> names = List.copyOf(index.keySet());
    assertEquals(names.stream().sorted().toList(), names);
    BundleEntry step = index.get(STEP);
    assertEquals(TestBundleWriter.DT_INT64, step.dtype());
    assertEquals("DT_INT64", step.dtypeName());
    assertFalse(step.isFloatingPoint());
    assertEquals(0, step.shape().length);
    assertEquals(8, step.size());
    BundleEntry kernel = index.get(KERNEL);
    assertArrayEquals(new long[] {2, 3}, kernel.shape());
    assertEquals(24, kernel.size());
    assertEquals(0, kernel.shardId());
    assertTrue(kernel.isFloatingPoint());
  }

  @Test
  void storedCrcIsMaskedAndUnmaskedMatchesData() throws IOException {
    TestBundleWriter.Written w = sample().write(dir);
    BundleEntry bias = TensorBundleReader.readIndex(w.index()).get(BIAS);
    byte[] data = Files.readAllBytes(w.data());
    CRC32C crc = new CRC32C();
    crc.update(data, (int) bias.offset(), (int) bias.size());
    assertEquals((int) crc.getValue(), bias.unmaskedCrc32c());
    assertEquals(TestBundleWriter.mask((int) crc.getValue()), bias.crc32c());
  }

  @Test
  void convertsDoubleHalfAndBfloat16() throws IOException {
    ByteBuffer doubles = le(16).putDouble(1.5).putDouble(-0.1);
    ByteBuffer halves = le(10).putShort((short) 0x3c00).putShort((short) 0xc000)
        .putShort((short) 0x0001).putShort((short) 0x7c00).putShort((short) 0x3555);
    ByteBuffer bf16 = le(4).putShort((short) 0x3f80).putShort((short) 0xc0a0);
    TestBundleWriter.Written w = new TestBundleWriter()
        .addRaw("d", TestBundleWriter.DT_DOUBLE, new long[] {2}, doubles.array())
        .addRaw("h", TestBundleWriter.DT_HALF, new long[] {5}, halves.array())
        .addRaw("b", TestBundleWriter.DT_BFLOAT16, new long[] {2}, bf16.array())
        .write(dir);
    Map<String, FloatTensor> all = TensorBundleReader.readAll(w.index(), w.data());

    assertArrayEquals(new float[] {1.5f, -0.1f}, all.get("d").values());
    assertArrayEquals(new float[] {1f, -2f, 0x1p-24f, Float.POSITIVE_INFINITY, 0.33325195f},
        all.get("h").values());
    assertArrayEquals(new float[] {1f, -5f}, all.get("b").values());
  }

  @Test
  void corruptedDataByteFailsCrcNamingTensor() throws IOException {
    TestBundleWriter.Written w = sample().write(dir);
    BundleEntry kernel = TensorBundleReader.readIndex(w.index()).get(KERNEL);
    flipByte(w.data(), kernel.offset() + 5);

    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readAll(w.index(), w.data()));
    assertContains(e, KERNEL);
    assertContains(e, "crc32c mismatch");
    assertContains(e, w.data().toString());
  }

  @Test
  void corruptedIndexBlockFailsBlockChecksum() throws IOException {
    TestBundleWriter.Written w = sample().write(dir);
    flipByte(w.index(), 10);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readIndex(w.index()));
    assertContains(e, "block checksum mismatch");
    assertContains(e, w.index().toString());
  }

  @Test
  void truncatedIndexFails() throws IOException {
    TestBundleWriter.Written w = sample().write(dir);
    byte[] index = Files.readAllBytes(w.index());
    Files.write(w.index(), Arrays.copyOf(index, index.length - 20));
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readIndex(w.index()));
    assertContains(e, "truncated");

    Files.write(w.index(), Arrays.copyOf(index, 30));
    assertContains(assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readIndex(w.index())), "footer");
  }

  @Test
  void badMagicFails() throws IOException {
    TestBundleWriter.Written w = sample().write(dir);
    flipByte(w.index(), Files.size(w.index()) - 1);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readIndex(w.index()));
    assertContains(e, "magic number");
    assertContains(e, "0xdb4775248b80fb57");
  }

  @Test
  void offsetBeyondDataFileFailsNamingTensor() throws IOException {
    TestBundleWriter.Written w = sample().overrideOffset(BIAS, 1L << 40).write(dir);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readAll(w.index(), w.data()));
    assertContains(e, BIAS);
    assertContains(e, "offset " + (1L << 40));
  }

  @Test
  void sizeNotMatchingShapeFailsNamingTensor() throws IOException {
    TestBundleWriter.Written w = new TestBundleWriter()
        .addRaw("w", TestBundleWriter.DT_FLOAT, new long[] {2, 2}, new byte[12])
        .write(dir);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readAll(w.index(), w.data()));
    assertContains(e, "'w'");
    assertContains(e, "size is 12 bytes, expected 4 elements");
  }

  @Test
  void snappyCompressedBlockIsRejectedClearly() throws IOException {
    TestBundleWriter.Written w = sample().dataBlockCompression(1).write(dir);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readIndex(w.index()));
    assertContains(e, "snappy");
  }

  @Test
  void multipleShardsAreRejectedNamingField() throws IOException {
    TestBundleWriter.Written w = sample().numShards(2).write(dir);
    assertContains(assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readIndex(w.index())), "num_shards");
  }

  @Test
  void partitionedVariablesAreRejected() throws IOException {
    TestBundleWriter.Written w = sample().withSlices(BIAS).write(dir);
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> TensorBundleReader.readIndex(w.index()));
    assertContains(e, BIAS);
    assertContains(e, "partitioned");
  }

  @Test
  void blockParserRebuildsPrefixCompressedKeysAcrossRestarts() {
    List<String> keys = List.of("k/a", "k/ab", "k/abc", "k/b", "k/bc");
    List<byte[][]> entries = keys.stream()
        .map(k -> new byte[][] {k.getBytes(StandardCharsets.UTF_8), ("v" + k).getBytes(
            StandardCharsets.UTF_8)})
        .toList();
    byte[] block = TestBundleWriter.block(entries, 2);
    List<BlockParser.Entry> parsed = BlockParser.parse(block, 0, block.length, "mem", "block");

    assertEquals(keys, parsed.stream()
        .map(e -> new String(e.key(), StandardCharsets.UTF_8)).toList());
    assertEquals("vk/bc", new String(parsed.get(4).value(), StandardCharsets.UTF_8));
    assertEquals(3, le(4).put(block, block.length - 4, 4).getInt(0));
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void flipByte(Path file, long position) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) position] ^= 0x40;
    Files.write(file, bytes);
  }

  private static void assertContains(Exception e, String part) {
    assertTrue(e.getMessage().contains(part),
        () -> "expected '" + part + "' in: " + e.getMessage());
  }
}
