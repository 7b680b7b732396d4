package io.embedspark.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads JSON Lines files (plain or {@code .gz}) on the local file system. */
public final class JsonlTexts {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonlTexts() {}

  /** Every row of a JSONL file, naming the file and line of a row that is not JSON. */
  public static List<JsonNode> rows(Path file) {
    List<JsonNode> rows = new ArrayList<>();
    try (BufferedReader r = open(file)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          rows.add(MAPPER.readTree(line));
        } catch (IOException e) {
          throw new InvalidInputException(file + ":" + lineNo + ": not a JSON object: "
              + e.getMessage());
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidInputException("file not found: " + file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** The non-empty string values of the given fields of every row, in file order. */
  public static List<String> texts(Path file, String... fields) {
    List<String> texts = new ArrayList<>();
    for (JsonNode row : rows(file)) {
      for (String f : fields) {
        JsonNode v = row.get(f);
        if (v != null && v.isTextual() && !v.asText().isBlank()) {
          texts.add(v.asText());
        }
      }
    }
    return texts;
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
