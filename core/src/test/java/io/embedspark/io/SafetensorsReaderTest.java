package io.embedspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests {@link SafetensorsReader} and {@link SafetensorsWriter}: round trips, dtype conversion
 * from hand-built bytes, and one hand-built file per failure mode. Headers are written with single
 * quotes for readability and turned into JSON by {@link #json}.
 */
class SafetensorsReaderTest {

  private static final String SOURCE = "model.safetensors";

  @TempDir
  Path tempDir;

  // ---- round trips -------------------------------------------------------------------------

  @Test
  void roundTripKeepsOrderShapesAndValues() {
    Map<String, FloatTensor> tensors = sampleTensors();
    SafetensorsReader.Contents contents =
        SafetensorsReader.read(SafetensorsWriter.toBytes(tensors, Map.of()), SOURCE);
    assertEquals(List.copyOf(tensors.keySet()), List.copyOf(contents.tensors().keySet()));
    assertEquals(tensors, contents.tensors());
    assertTrue(contents.metadata().isEmpty());
  }

  @Test
  void roundTripThroughFileIsAtomicAndLeavesNoTemporaryFile() throws IOException {
    Path file = tempDir.resolve("model.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    SafetensorsWriter.write(file, sampleTensors(), Map.of("step", "7"));
    SafetensorsReader.Contents contents = SafetensorsReader.read(file);
    assertEquals(sampleTensors(), contents.tensors());
    assertEquals(Map.of("step", "7"), contents.metadata());
    try (Stream<Path> files = Files.list(tempDir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void metadataRoundTrip() {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    metadata.put("note", "ünïcode \"quoted\"");
    byte[] bytes = SafetensorsWriter.toBytes(sampleTensors(), metadata);
    assertEquals(metadata, SafetensorsReader.read(bytes, SOURCE).metadata());
  }

  @Test
  void emptyMetadataIsOmittedFromTheHeader() {
    byte[] bytes = SafetensorsWriter.toBytes(sampleTensors(), Map.of());
    assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("__metadata__"));
  }

  @Test
  void headerIsPaddedWithSpacesToAMultipleOfEight() {
    Map<String, FloatTensor> tensors = Map.of("w", new FloatTensor(new long[] {3}, new float[3]));
    byte[] bytes = SafetensorsWriter.toBytes(tensors, Map.of());
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, headerLength % 8);
    assertEquals(8 + headerLength + 12, bytes.length);
    String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    assertTrue(header.strip().endsWith("}"), header);
    assertTrue(header.endsWith(" ") || header.endsWith("}"), header);
  }

  @Test
  void readsHandBuiltF32WithMetadataLastAndPaddedHeader() {
    String header = json("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
        + "'__metadata__':{'k':'v'}}    ");
    SafetensorsReader.Contents contents = SafetensorsReader.read(
        file(header, littleEndian(Float.floatToIntBits(1.25f), 4,
            Float.floatToIntBits(-3f), 4)), SOURCE);
    assertArrayEquals(new float[] {1.25f, -3f}, contents.tensors().get("w").values());
    assertEquals(Map.of("k", "v"), contents.metadata());
  }

  @Test
  void headerOnlyFileHasNoTensors() {
    assertTrue(SafetensorsReader.read(file("{}", new byte[0]), SOURCE).tensors().isEmpty());
  }

  // ---- dtype conversion ----------------------------------------------------------------------

  @Test
  void convertsF16() {
    int[] halves = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0xFC00, 0x3555, 0x7E00};
    float[] expected = {1f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 0.333251953125f, Float.NaN};
    assertArrayEquals(expected, readSingle("F16", halves, 2));
  }

  @Test
  void convertsBf16() {
    int[] bits = {0x3F80, 0xC000, 0x4049, 0x0000, 0xFF80};
    float[] expected = {1f, -2f, 3.140625f, 0f, Float.NEGATIVE_INFINITY};
    assertArrayEquals(expected, readSingle("BF16", bits, 2));
  }

  @Test
  void convertsF64() {
    ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    data.putDouble(1.5).putDouble(-0.25).putDouble(65536.0);
    String header = json("{'d':{'dtype':'F64','shape':[3],'data_offsets':[0,24]}}");
    float[] values = SafetensorsReader.read(file(header, data.array()), SOURCE)
        .tensors().get("d").values();
    assertArrayEquals(new float[] {1.5f, -0.25f, 65536f}, values);
  }

  @Test
  void readsMixedDtypesInOneFile() {
    String header = json("{'h':{'dtype':'F16','shape':[1,2],'data_offsets':[0,4]},"
        + "'f':{'dtype':'F32','shape':[],'data_offsets':[4,8]}}");
    byte[] data = littleEndian(0x3C00, 2, 0xC000, 2, Float.floatToIntBits(0.5f), 4);
    SafetensorsReader.Contents contents = SafetensorsReader.read(file(header, data), SOURCE);
    assertEquals(new FloatTensor(new long[] {1, 2}, new float[] {1f, -2f}),
        contents.tensors().get("h"));
    assertEquals(new FloatTensor(new long[0], new float[] {0.5f}), contents.tensors().get("f"));
  }

  // ---- file-level failures -----------------------------------------------------------------

  @Test
  void rejectsFileShorterThanEightBytes() {
    assertCorrupt(new byte[5], "file length", "8", "5");
  }

  @Test
  void rejectsHeaderLengthZero() {
    assertCorrupt(rawFile(0, new byte[4]), "header length", "got 0");
  }

  @Test
  void rejectsHeaderLengthBeyondTheFile() {
    assertCorrupt(rawFile(100, "{}".getBytes(StandardCharsets.UTF_8)),
        "header length", "file size - 8", "100");
  }

  @Test
  void rejectsHostileHeaderLength() {
    assertCorrupt(rawFile(200_000_000, new byte[16]), "header length", "100000000", "200000000");
  }

  @Test
  void rejectsHeaderLengthOverflowingAsUnsigned() {
    assertCorrupt(rawFile(-1L, new byte[16]), "header length", "18446744073709551615");
  }

  @Test
  void rejectsFilesOfTwoGigabytesOrMore() throws IOException {
    Path file = tempDir.resolve("huge.safetensors");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(1L << 31);
    }
    CorruptArtifactException e =
        assertThrows(CorruptArtifactException.class, () -> SafetensorsReader.read(file));
    assertMentions(e, "huge.safetensors", "file size", "2147483648");
  }

  @Test
  void rejectsMissingFileAsInvalidInput() {
    Path missing = tempDir.resolve("absent.safetensors");
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> SafetensorsReader.read(missing));
    assertMentions(e, "absent.safetensors");
  }

  @Test
  void namesTheFileWhenReadFromDisk() throws IOException {
    Path file = tempDir.resolve("broken.safetensors");
    Files.write(file, file(json("{'w':5}"), new byte[0]));
    CorruptArtifactException e =
        assertThrows(CorruptArtifactException.class, () -> SafetensorsReader.read(file));
    assertMentions(e, "broken.safetensors", "'w'", "entry");
  }

  // ---- header failures ---------------------------------------------------------------------

  @Test
  void rejectsHeaderThatIsNotUtf8() {
    byte[] header = {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', ':', '1', '}'};
    assertCorrupt(rawFile(header.length, header), "header", "UTF-8");
  }

  @Test
  void rejectsHeaderThatIsNotJson() {
    assertCorrupt(file(json("{'w': "), new byte[0]), "header", "JSON");
  }

  @Test
  void rejectsHeaderThatIsNotAnObject() {
    assertCorrupt(file("[1, 2]", new byte[0]), "header", "JSON object", "ARRAY");
  }

  @Test
  void rejectsBlankHeader() {
    assertCorrupt(file("        ", new byte[0]), "header", "JSON object");
  }

  @Test
  void rejectsTrailingContentAfterTheHeaderObject() {
    assertCorrupt(file("{} {}", new byte[0]), "header");
  }

  @Test
  void rejectsDuplicateTensorNames() {
    String header = json("{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
        + "'w':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}");
    assertCorrupt(file(header, new byte[8]), "duplicate", "'w'");
  }

  @Test
  void rejectsEntryThatIsNotAnObject() {
    assertCorrupt(file(json("{'w':5}"), new byte[0]), "'w'", "entry", "NUMBER");
  }

  @Test
  void rejectsEachMissingField() {
    String[] fields = {"'dtype':'F32'", "'shape':[1]", "'data_offsets':[0,4]"};
    String[] names = {"dtype", "shape", "data_offsets"};
    for (int missing = 0; missing < fields.length; missing++) {
      StringBuilder entry = new StringBuilder();
      for (int i = 0; i < fields.length; i++) {
        if (i != missing) {
          entry.append(entry.length() == 0 ? "" : ",").append(fields[i]);
        }
      }
      String header = json("{'w':{" + entry + "}}");
      assertCorrupt(file(header, new byte[4]), "'w'", "'" + names[missing] + "'", "expected");
    }
  }

  @Test
  void rejectsExtraField() {
    String header =
        json("{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4],'offset':0}}");
    assertCorrupt(file(header, new byte[4]), "'w'", "'offset'", "extra");
  }

  @Test
  void rejectsUnknownDtype() {
    assertCorrupt(single("F17", "[1]", "[0,4]", 4), "'w'", "dtype", "unknown", "F17");
  }

  @Test
  void rejectsUnsupportedDtypesNamingThem() {
    for (String dtype : List.of("F8_E4M3", "F8_E5M2", "C64")) {
      assertCorrupt(single(dtype, "[1]", "[0,8]", 8), "'w'", "dtype", "unsupported", dtype);
    }
  }

  @Test
  void skipsIntegerBuffersButStillValidatesTheirOffsets() {
    SafetensorsReader.Contents c = SafetensorsReader.read(single("I64", "[1]", "[0,8]", 8),
        "buffers");
    assertTrue(c.tensors().isEmpty());
    assertEquals(Map.of("w", "I64"), c.skipped());
    assertCorrupt(single("I64", "[2]", "[0,8]", 8), "'w'", "data_offsets");
  }

  @Test
  void rejectsDtypeThatIsNotAString() {
    String header = json("{'w':{'dtype':32,'shape':[1],'data_offsets':[0,4]}}");
    assertCorrupt(file(header, new byte[4]), "'w'", "dtype", "32");
  }

  // ---- shape failures ----------------------------------------------------------------------

  @Test
  void rejectsShapeThatIsNotAnArray() {
    assertCorrupt(single("F32", "3", "[0,12]", 12), "'w'", "shape", "non-negative integers");
  }

  @Test
  void rejectsNegativeDimension() {
    assertCorrupt(single("F32", "[2,-1]", "[0,0]", 0), "'w'", "shape", "-1");
  }

  @Test
  void rejectsNonIntegerDimension() {
    assertCorrupt(single("F32", "[1.5]", "[0,4]", 4), "'w'", "shape", "1.5");
  }

  @Test
  void rejectsDimensionBeyondLong() {
    assertCorrupt(single("F32", "[99999999999999999999]", "[0,4]", 4), "'w'", "shape");
  }

  @Test
  void rejectsElementCountOverflow() {
    String shape = "[4294967296,4294967296,4294967296]";
    assertCorrupt(single("F32", shape, "[0,4]", 4), "'w'", "shape", "element count", "overflow");
  }

  @Test
  void rejectsByteSizeOverflow() {
    String shape = "[2147483648,2147483648]";
    assertCorrupt(single("F32", shape, "[0,4]", 4), "'w'", "shape", "byte size", "overflow");
  }

  @Test
  void rejectsTensorTooLargeForAFloatArray() {
    assertCorrupt(single("F32", "[3000000000]", "[0,12000000000]", 4),
        "'w'", "shape", "2147483639", "3000000000");
  }

  // ---- data_offsets failures ---------------------------------------------------------------

  @Test
  void rejectsOffsetsThatAreNotTwoIntegers() {
    for (String offsets : List.of("[0]", "[0,4,8]", "'0-4'", "[0,'4']", "[0.0,4]")) {
      assertCorrupt(single("F32", "[1]", offsets, 4), "'w'", "data_offsets", "two");
    }
  }

  @Test
  void rejectsNegativeOffset() {
    assertCorrupt(single("F32", "[1]", "[-4,0]", 4), "'w'", "data_offsets", "-4");
  }

  @Test
  void rejectsBeginAfterEnd() {
    assertCorrupt(single("F32", "[1]", "[8,4]", 8), "'w'", "data_offsets", "begin <= end");
  }

  @Test
  void rejectsEndBeyondTheDataSection() {
    assertCorrupt(single("F32", "[2]", "[0,8]", 4), "'w'", "data_offsets", "end <= 4", "8");
  }

  @Test
  void rejectsRangeThatDoesNotMatchShapeAndDtype() {
    assertCorrupt(single("F32", "[3]", "[0,8]", 8), "'w'", "data_offsets", "12", "got 8");
  }

  @Test
  void rejectsOverlappingTensors() {
    String header = json("{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
        + "'b':{'dtype':'F32','shape':[2],'data_offsets':[4,12]}}");
    assertCorrupt(file(header, new byte[12]), "'b'", "data_offsets", "overlaps", "'a'");
  }

  @Test
  void rejectsGapBetweenTensors() {
    String header = json("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
        + "'b':{'dtype':'F32','shape':[1],'data_offsets':[8,12]}}");
    assertCorrupt(file(header, new byte[12]), "'b'", "data_offsets", "gap", "[4, 8)");
  }

  @Test
  void rejectsBytesAfterTheLastTensor() {
    assertCorrupt(single("F32", "[1]", "[0,4]", 8), "data section", "'w'", "[4, 8)");
  }

  @Test
  void rejectsDataWithoutTensors() {
    assertCorrupt(file("{}", new byte[4]), "data section", "[0, 4)");
  }

  // ---- metadata failures -------------------------------------------------------------------

  @Test
  void rejectsMetadataThatIsNotAnObject() {
    assertCorrupt(file(json("{'__metadata__':5}"), new byte[0]), "__metadata__", "NUMBER");
  }

  @Test
  void rejectsMetadataValueThatIsNotAString() {
    assertCorrupt(file(json("{'__metadata__':{'k':1}}"), new byte[0]),
        "__metadata__", "'k'", "string", "NUMBER");
  }

  // ---- writer input ------------------------------------------------------------------------

  @Test
  void writerRejectsTheReservedMetadataName() {
    Map<String, FloatTensor> tensors =
        Map.of("__metadata__", new FloatTensor(new long[] {1}, new float[1]));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> SafetensorsWriter.toBytes(tensors, Map.of()));
    assertMentions(e, "__metadata__", "reserved");
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static Map<String, FloatTensor> sampleTensors() {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("z.weight", new FloatTensor(new long[] {2, 3},
        new float[] {1f, -2.5f, 3e-8f, Float.MAX_VALUE, -0f, Float.NaN}));
    tensors.put("scalar", new FloatTensor(new long[0], new float[] {3.5f}));
    tensors.put("empty", new FloatTensor(new long[] {0, 4}, new float[0]));
    tensors.put("a.bias", new FloatTensor(new long[] {1}, new float[] {42f}));
    return tensors;
  }

  /** Reads a one-tensor file of 16-bit values {@code bits} stored as {@code dtype}. */
  private static float[] readSingle(String dtype, int[] bits, int width) {
    ByteBuffer data = ByteBuffer.allocate(bits.length * width).order(ByteOrder.LITTLE_ENDIAN);
    for (int b : bits) {
      data.putShort((short) b);
    }
    byte[] file = single(dtype, "[" + bits.length + "]", "[0," + data.capacity() + "]",
        data.array());
    return SafetensorsReader.read(file, SOURCE).tensors().get("w").values();
  }

  /** A file holding one tensor 'w' with the given raw JSON fields and zeroed data. */
  private static byte[] single(String dtype, String shape, String offsets, int dataBytes) {
    return single(dtype, shape, offsets, new byte[dataBytes]);
  }

  private static byte[] single(String dtype, String shape, String offsets, byte[] data) {
    String header = json("{'w':{'dtype':'" + dtype + "','shape':" + shape
        + ",'data_offsets':" + offsets + "}}");
    return file(header, data);
  }

  /** Turns single quotes into double quotes, so headers read well in Java strings. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static byte[] file(String header, byte[] data) {
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(rawFile(headerBytes.length, headerBytes));
    out.writeBytes(data);
    return out.toByteArray();
  }

  /** An 8-byte little-endian header length (not checked against the rest) then the rest. */
  private static byte[] rawFile(long headerLength, byte[] rest) {
    return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(headerLength).put(rest).array();
  }

  /** Little-endian bytes of (value, width) pairs; width is 2 or 4. */
  private static byte[] littleEndian(int... valueWidthPairs) {
    ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < valueWidthPairs.length; i += 2) {
      if (valueWidthPairs[i + 1] == 2) {
        out.putShort((short) valueWidthPairs[i]);
      } else {
        out.putInt(valueWidthPairs[i]);
      }
    }
    byte[] bytes = new byte[out.position()];
    out.flip().get(bytes);
    return bytes;
  }

  private static void assertCorrupt(byte[] bytes, String... fragments) {
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> SafetensorsReader.read(bytes, SOURCE));
    assertMentions(e, SOURCE);
    assertMentions(e, fragments);
  }

  private static void assertMentions(RuntimeException e, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment),
          () -> "expected '" + fragment + "' in: " + e.getMessage());
    }
  }
}
