package io.embedspark.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to the fields of a task file's rows; a missing or mistyped field is reported with
 * the file, the row number (1-based, blank lines not counted) and the field's name.
 */
final class TaskRows {
  private TaskRows() {}

  static String text(JsonNode row, String field, String source, int index) {
    JsonNode v = row.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) {
      throw bad(source, index, field, "a string");
    }
    return v.asText();
  }

  static double number(JsonNode row, String field, String source, int index) {
    JsonNode v = row.get(field);
    if (v != null && v.isNumber()) {
      return v.asDouble();
    }
    if (v != null && v.isTextual()) {
      try {
        return Double.parseDouble(v.asText().trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw bad(source, index, field, "a number");
  }

  static List<String> texts(JsonNode row, String field, String source, int index) {
    JsonNode v = row.get(field);
    if (v == null || !v.isArray()) {
      throw bad(source, index, field, "a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (e.isContainerNode() || e.isNull()) {
        throw bad(source, index, field, "a list of strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  static InvalidInputException bad(String source, int index, String field, String expected) {
    return new InvalidInputException(source + " row " + (index + 1) + ": field '" + field
        + "' must be " + expected);
  }

  static void nonEmpty(String source, List<?> rows) {
    if (rows.isEmpty()) {
      throw new InvalidInputException(source + " has no rows");
    }
  }
}
