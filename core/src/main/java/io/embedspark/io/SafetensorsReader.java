package io.embedspark.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Hugging Face safetensors files into float32 tensors, validating the whole header before
 * any tensor byte is read.
 *
 * <p>Format (https://github.com/huggingface/safetensors, section "Format"): 8 bytes holding the
 * header size N as a little-endian unsigned 64-bit integer; N bytes of UTF-8 JSON, an object that
 * maps each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets
 * relative to the byte buffer that follows the header) plus an optional {@code "__metadata__"}
 * string-to-string map, possibly padded with trailing spaces; then the byte buffer, little-endian
 * and row-major, which must be fully indexed: the tensors' ranges neither overlap nor leave holes.
 *
 * <p>Every violation throws {@link CorruptArtifactException} naming the source, the tensor and
 * the field, with what was expected against what was found. Supported dtypes: F32, F16, BF16, F64.
 */
public final class SafetensorsReader {

  /** The reference implementation's limit on the header size, a guard against hostile files. */
  static final long MAX_HEADER_BYTES = 100_000_000L;
  /** The largest element count a Java float[] reliably holds. */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static final String METADATA_KEY = "__metadata__";
  private static final List<String> FIELDS = List.of("dtype", "shape", "data_offsets");
  private static final Set<String> UNSUPPORTED_DTYPES = Set.of("C64", "F8_E5M2", "F8_E4M3",
      "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2");
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private SafetensorsReader() {}

  /**
   * What a safetensors file holds.
   *
   * @param metadata the {@code __metadata__} map, empty when absent; unmodifiable
   * @param tensors the floating-point tensors in header order, converted to float32
   * @param skipped integer and boolean tensors (buffers such as {@code position_ids}), validated
   *     but not decoded: name to dtype
   */
  public record Contents(Map<String, String> metadata, LinkedHashMap<String, FloatTensor> tensors,
      Map<String, String> skipped) {}

  private enum Dtype {
    F32(4, true), F16(2, true), BF16(2, true), F64(8, true),
    BOOL(1, false), U8(1, false), I8(1, false), I16(2, false), U16(2, false), I32(4, false),
    U32(4, false), I64(8, false), U64(8, false);

    final int size;
    final boolean floating;

    Dtype(int size, boolean floating) {
      this.size = size;
      this.floating = floating;
    }
  }

  private record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {}

  /**
   * Reads and validates a whole file, memory-mapping it; files of 2 GB or more are rejected.
   *
   * @throws CorruptArtifactException if the file breaks the format in any way
   * @throws InvalidInputException if the file does not exist
   */
  public static Contents read(Path file) {
    String source = file.toString();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw corrupt(source, "file size: expected at most " + Integer.MAX_VALUE
            + " bytes (2 GB), got " + size);
      }
      return parse(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), source);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("safetensors file not found: " + source, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read safetensors file " + source, e);
    }
  }

  /**
   * Reads and validates the bytes of a safetensors file.
   *
   * @param sourceName names the bytes' origin in error messages
   * @throws CorruptArtifactException if the bytes break the format in any way
   */
  public static Contents read(byte[] bytes, String sourceName) {
    return parse(ByteBuffer.wrap(bytes), sourceName);
  }

  private static Contents parse(ByteBuffer file, String source) {
    file.order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = headerLength(file, source);
    JsonNode header = parseHeader(file.slice(8, headerLength), source);
    int dataStart = 8 + headerLength;
    int dataLength = file.limit() - dataStart;
    Map<String, String> metadata = metadata(header, source);
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : header.properties()) {
      if (!property.getKey().equals(METADATA_KEY)) {
        entries.add(entry(property.getKey(), property.getValue(), dataLength, source));
      }
    }
    checkTiling(entries, dataLength, source);
    ByteBuffer data = file.slice(dataStart, dataLength);
    LinkedHashMap<String, FloatTensor> tensors = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    for (Entry entry : entries) {
      if (entry.dtype().floating) {
        tensors.put(entry.name(), new FloatTensor(entry.shape(), decode(data, entry)));
      } else {
        skipped.put(entry.name(), entry.dtype().name());
      }
    }
    return new Contents(metadata, tensors, Collections.unmodifiableMap(skipped));
  }

  private static int headerLength(ByteBuffer file, String source) {
    if (file.limit() < 8) {
      throw corrupt(source, "file length: expected at least 8 bytes (the header length), got "
          + file.limit());
    }
    long length = file.getLong(0);
    if (length == 0) {
      throw corrupt(source, "header length: expected at least 1 byte, got 0");
    }
    if (length < 0 || length > MAX_HEADER_BYTES) {
      throw corrupt(source, "header length: expected at most " + MAX_HEADER_BYTES
          + " bytes, got " + Long.toUnsignedString(length) + " (hostile or corrupt file)");
    }
    if (length > file.limit() - 8) {
      throw corrupt(source, "header length: expected at most " + (file.limit() - 8)
          + " (file size - 8), got " + length + " (truncated file?)");
    }
    return (int) length;
  }

  private static JsonNode parseHeader(ByteBuffer bytes, String source) {
    JsonNode header;
    try {
      header = JSON.readTree(decodeUtf8(bytes, source));
    } catch (JsonProcessingException e) {
      String problem = e.getOriginalMessage();
      String kind = problem.startsWith("Duplicate") ? "duplicate key (tensor names and "
          + "fields must be unique)" : "expected a JSON object";
      throw corrupt(source, "header: " + kind + ", got a parse error: " + problem);
    }
    if (!header.isObject()) {
      String found = header.isMissingNode() ? "a blank header" : header.getNodeType().toString();
      throw corrupt(source, "header: expected a JSON object, got " + found);
    }
    return header;
  }

  private static String decodeUtf8(ByteBuffer bytes, String source) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw corrupt(source, "header: expected UTF-8 text, got invalid bytes (" + e + ")");
    }
  }

  private static Map<String, String> metadata(JsonNode header, String source) {
    JsonNode node = header.get(METADATA_KEY);
    if (node == null) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw corrupt(source, "field '" + METADATA_KEY + "': expected an object of strings, got "
          + node.getNodeType());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> property : node.properties()) {
      if (!property.getValue().isTextual()) {
        throw corrupt(source, "field '" + METADATA_KEY + "', key '" + property.getKey()
            + "': expected a string, got " + property.getValue().getNodeType());
      }
      metadata.put(property.getKey(), property.getValue().textValue());
    }
    return Collections.unmodifiableMap(metadata);
  }

  private static Entry entry(String name, JsonNode node, long dataLength, String source) {
    if (!node.isObject()) {
      throw corrupt(source, name, "entry", "expected an object with fields " + FIELDS
          + ", got " + node.getNodeType());
    }
    checkFields(name, node, source);
    Dtype dtype = dtype(name, node.get("dtype"), source);
    long[] shape = nonNegativeLongs(name, "shape", node.get("shape"), source);
    long byteCount = byteCount(name, shape, dtype, source);
    long[] offsets = nonNegativeLongs(name, "data_offsets", node.get("data_offsets"), source);
    checkOffsets(name, offsets, byteCount, dataLength, source);
    return new Entry(name, dtype, shape, offsets[0], offsets[1]);
  }

  private static void checkFields(String name, JsonNode node, String source) {
    for (String field : FIELDS) {
      if (!node.has(field)) {
        throw corrupt(source, name, field, "expected this field, got none");
      }
    }
    for (Map.Entry<String, JsonNode> property : node.properties()) {
      if (!FIELDS.contains(property.getKey())) {
        throw corrupt(source, name, property.getKey(), "expected only fields " + FIELDS
            + ", got this extra field");
      }
    }
  }

  private static Dtype dtype(String name, JsonNode node, String source) {
    String text = node.isTextual() ? node.textValue() : null;
    if (text != null && UNSUPPORTED_DTYPES.contains(text)) {
      throw corrupt(source, name, "dtype", "expected a float (F32, F16, BF16, F64) or integer "
          + "dtype, got the unsupported dtype " + text);
    }
    for (Dtype dtype : Dtype.values()) {
      if (dtype.name().equals(text)) {
        return dtype;
      }
    }
    throw corrupt(source, name, "dtype", "expected a float (F32, F16, BF16, F64) or integer "
        + "dtype, got the unknown dtype " + abbreviate(node));
  }

  private static long[] nonNegativeLongs(String name, String field, JsonNode node, String source) {
    boolean valid = node.isArray();
    long[] values = new long[valid ? node.size() : 0];
    for (int i = 0; valid && i < values.length; i++) {
      JsonNode item = node.get(i);
      valid = item.isIntegralNumber() && item.canConvertToLong() && item.longValue() >= 0;
      values[i] = item.longValue();
    }
    if (field.equals("data_offsets") && values.length != 2) {
      valid = false;
    }
    if (!valid) {
      String expected = field.equals("shape") ? "an array of non-negative integers"
          : "two non-negative integers [begin, end]";
      throw corrupt(source, name, field, "expected " + expected + ", got " + abbreviate(node));
    }
    return values;
  }

  private static long byteCount(String name, long[] shape, Dtype dtype, String source) {
    long elements;
    try {
      elements = FloatTensor.elementCount(shape);
    } catch (ArithmeticException e) {
      throw corrupt(source, name, "shape", "expected an element count that fits in 64 bits, got "
          + "an overflow for " + abbreviate(shape));
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(elements, (long) dtype.size);
    } catch (ArithmeticException e) {
      throw corrupt(source, name, "shape", "expected a byte size that fits in 64 bits, got an "
          + "overflow for " + elements + " elements of " + dtype);
    }
    if (elements > MAX_ELEMENTS) {
      throw corrupt(source, name, "shape", "expected at most " + MAX_ELEMENTS
          + " elements (tensors are held as float[]), got " + elements);
    }
    return bytes;
  }

  private static void checkOffsets(
      String name, long[] offsets, long byteCount, long dataLength, String source) {
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw corrupt(source, name, "data_offsets", "expected begin <= end, got [" + begin + ", "
          + end + "]");
    }
    if (end > dataLength) {
      throw corrupt(source, name, "data_offsets", "expected end <= " + dataLength
          + " (the data section's length), got " + end);
    }
    if (end - begin != byteCount) {
      throw corrupt(source, name, "data_offsets", "expected end - begin = " + byteCount
          + " bytes (shape times dtype size), got " + (end - begin));
    }
  }

  /** The sorted ranges must tile [0, dataLength) exactly, as the format requires. */
  private static void checkTiling(List<Entry> entries, long dataLength, String source) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    Entry previous = null;
    for (Entry entry : sorted) {
      if (entry.begin() < covered) {
        throw corrupt(source, entry.name(), "data_offsets", "expected begin >= " + covered
            + ", got " + entry.begin() + ": overlaps tensor '" + previous.name() + "'");
      }
      if (entry.begin() > covered) {
        throw corrupt(source, entry.name(), "data_offsets", "expected begin = " + covered
            + ", got " + entry.begin() + ": bytes [" + covered + ", " + entry.begin()
            + ") of the data section belong to no tensor (gap)");
      }
      covered = entry.end();
      previous = entry;
    }
    if (covered != dataLength) {
      String after = previous == null ? "" : " after tensor '" + previous.name() + "'";
      throw corrupt(source, "data section: expected " + covered + " bytes, got " + dataLength
          + ": bytes [" + covered + ", " + dataLength + ")" + after + " belong to no tensor");
    }
  }

  private static float[] decode(ByteBuffer data, Entry entry) {
    ByteBuffer bytes = data.slice((int) entry.begin(), (int) (entry.end() - entry.begin()))
        .order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[(int) ((entry.end() - entry.begin()) / entry.dtype().size)];
    switch (entry.dtype()) {
      case F32 -> bytes.asFloatBuffer().get(values);
      case F64 -> {
        DoubleBuffer doubles = bytes.asDoubleBuffer();
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) doubles.get(i);
        }
      }
      case F16, BF16 -> {
        ShortBuffer shorts = bytes.asShortBuffer();
        boolean half = entry.dtype() == Dtype.F16;
        for (int i = 0; i < values.length; i++) {
          int bits = shorts.get(i) & 0xFFFF;
          values[i] = half ? halfToFloat(bits) : Float.intBitsToFloat(bits << 16);
        }
      }
    }
    return values;
  }

  /** IEEE 754 binary16 to binary32, exact (subnormals, infinities and NaN included). */
  static float halfToFloat(int bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  private static String abbreviate(Object value) {
    String text = value instanceof long[] array ? Arrays.toString(array)
        : String.valueOf(value);
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  private static CorruptArtifactException corrupt(String source, String message) {
    return new CorruptArtifactException(source + ": " + message);
  }

  private static CorruptArtifactException corrupt(
      String source, String tensor, String field, String message) {
    return corrupt(source, "tensor '" + tensor + "', field '" + field + "': " + message);
  }
}
