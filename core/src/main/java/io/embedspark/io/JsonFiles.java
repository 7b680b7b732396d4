package io.embedspark.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes the small JSON files of checkpoints, failing on unknown keys. */
public final class JsonFiles {
  /** Strict mapper: unknown properties fail, output is indented. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private JsonFiles() {}

  /** Reads a file into a type, naming the file and the offending key on failure. */
  public static <T> T read(Path file, Class<T> type) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("file not found: " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    try {
      return MAPPER.readValue(bytes, type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new CorruptArtifactException(file + ": " + e.getOriginalMessage()
          + " at " + e.getLocation(), e);
    } catch (IOException e) {
      // Parsing bytes in memory fails only on their content, e.g. an encoding that is not JSON's
      throw new CorruptArtifactException(file + " is not JSON text: " + e.getMessage(), e);
    }
  }

  /** Reads a file as a JSON tree. */
  public static JsonNode readTree(Path file) {
    return read(file, JsonNode.class);
  }

  /** Writes a value as indented JSON. */
  public static void write(Path file, Object value) {
    try {
      Files.writeString(file, MAPPER.writeValueAsString(value) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
