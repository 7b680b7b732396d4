package io.embedspark.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads training rows from JSON Lines: {@code {"id", "task", "query", "positive",
 * "negatives": [...]}}, where {@code id}, {@code task} and {@code negatives} are optional. Field
 * names are configurable so (title, passage) pairs read as they are.
 */
public final class TrainingData {
  private TrainingData() {}

  /** Field names of a JSONL training file. */
  public record Fields(String id, String task, String query, String positive, String negatives) {
    public static final Fields DEFAULT = new Fields("id", "task", "query", "positive", "negatives");
  }

  /**
   * Every row of a file; a row without a query or positive fails naming the file, line and field.
   *
   * @param defaultTask task of rows without one
   */
  public static List<TrainingExample> readJsonl(Path file, Fields f, String defaultTask) {
    List<JsonNode> rows = JsonlTexts.rows(file);
    List<TrainingExample> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      String where = file + " row " + (i + 1);
      List<String> negatives = new ArrayList<>();
      for (JsonNode n : r.path(f.negatives())) {
        negatives.add(n.asText());
      }
      out.add(new TrainingExample(r.path(f.id()).asText(where),
          r.path(f.task()).asText(defaultTask), required(r, f.query(), where),
          required(r, f.positive(), where), negatives));
    }
    return out;
  }

  private static String required(JsonNode row, String field, String where) {
    JsonNode v = row.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new InvalidInputException(where + ": field '" + field + "' is missing or empty");
    }
    return v.asText();
  }
}
