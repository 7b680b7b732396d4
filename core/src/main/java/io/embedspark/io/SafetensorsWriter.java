package io.embedspark.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * Writes float32 tensors as a Hugging Face safetensors file.
 *
 * <p>Format (https://github.com/huggingface/safetensors, section "Format"): 8 bytes holding the
 * header size N as a little-endian unsigned 64-bit integer; N bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype": "F32", "shape", "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} string map; then the little-endian, row-major data. As the reference
 * implementation does, the header is padded with spaces so that the data starts at a multiple of
 * 8 bytes. Tensors are laid out in the map's iteration order; {@code __metadata__} is written
 * first, and only when the metadata is not empty.
 */
public final class SafetensorsWriter {

  private static final String METADATA_KEY = "__metadata__";
  private static final int ALIGNMENT = 8;
  private static final int CHUNK_FLOATS = 1 << 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsWriter() {}

  /**
   * Writes F32 tensors in the given iteration order, with {@code metadata} as
   * {@code __metadata__}. Atomic: writes a temporary file in the same directory, forces it to
   * disk, then renames it over {@code file}.
   *
   * @throws InvalidInputException if a tensor is named {@code __metadata__} or a name, tensor,
   *     metadata key or value is null
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(
      Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata) {
    byte[] header = header(tensors, metadata);
    Path directory = file.toAbsolutePath().getParent();
    Path temp = directory.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(
          temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(channel, ByteBuffer.wrap(header));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
        for (FloatTensor tensor : tensors.values()) {
          writeValues(channel, tensor.values(), chunk);
        }
        channel.force(true);
      }
      moveIntoPlace(temp, file);
      moved = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write safetensors file " + file, e);
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * Returns the bytes of a safetensors file holding the F32 tensors in the given iteration order.
   *
   * @throws InvalidInputException as {@link #write}, or if the result would exceed 2 GB
   */
  public static byte[] toBytes(Map<String, FloatTensor> tensors, Map<String, String> metadata) {
    byte[] header = header(tensors, metadata);
    long total = header.length;
    for (FloatTensor tensor : tensors.values()) {
      total += (long) tensor.values().length * Float.BYTES;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException("safetensors content of " + total
          + " bytes exceeds the 2 GB a byte[] holds; write it to a file instead");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.put(header);
    for (FloatTensor tensor : tensors.values()) {
      out.asFloatBuffer().put(tensor.values());
      out.position(out.position() + tensor.values().length * Float.BYTES);
    }
    return out.array();
  }

  /** The 8-byte length prefix and the JSON header, padded with spaces to a multiple of 8. */
  private static byte[] header(Map<String, FloatTensor> tensors, Map<String, String> metadata) {
    requireNonNull(tensors, "tensors map");
    ObjectNode root = JSON.createObjectNode();
    if (!requireNonNull(metadata, "metadata map").isEmpty()) {
      ObjectNode node = root.putObject(METADATA_KEY);
      metadata.forEach((key, value) -> node.put(requireNonNull(key, "metadata key"),
          requireNonNull(value, "metadata value for key '" + key + "'")));
    }
    long offset = 0;
    for (Map.Entry<String, FloatTensor> entry : tensors.entrySet()) {
      String name = requireNonNull(entry.getKey(), "tensor name");
      FloatTensor tensor = requireNonNull(entry.getValue(), "tensor '" + name + "'");
      if (name.equals(METADATA_KEY)) {
        throw new InvalidInputException("tensor name '" + METADATA_KEY
            + "' is reserved for the safetensors metadata");
      }
      long end = offset + (long) tensor.values().length * Float.BYTES;
      ObjectNode node = root.putObject(name);
      node.put("dtype", "F32");
      ArrayNode shape = node.putArray("shape");
      Arrays.stream(tensor.shape()).forEach(shape::add);
      node.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    return withLengthPrefix(json(root));
  }

  private static byte[] json(ObjectNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a safetensors header", e);
    }
  }

  private static byte[] withLengthPrefix(byte[] json) {
    int padded = (json.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    byte[] header = new byte[8 + padded];
    ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
    System.arraycopy(json, 0, header, 8, json.length);
    Arrays.fill(header, 8 + json.length, header.length, (byte) ' ');
    return header;
  }

  private static void writeValues(FileChannel channel, float[] values, ByteBuffer chunk)
      throws IOException {
    for (int from = 0; from < values.length; from += CHUNK_FLOATS) {
      int count = Math.min(CHUNK_FLOATS, values.length - from);
      chunk.clear();
      chunk.asFloatBuffer().put(values, from, count);
      chunk.limit(count * Float.BYTES);
      writeFully(channel, chunk);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private static void moveIntoPlace(Path temp, Path file) throws IOException {
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // Best effort: the write already failed and that failure is what the caller sees.
    }
  }

  private static <T> T requireNonNull(T value, String what) {
    if (value == null) {
      throw new InvalidInputException(what + " is null; safetensors needs a value");
    }
    return value;
  }
}
