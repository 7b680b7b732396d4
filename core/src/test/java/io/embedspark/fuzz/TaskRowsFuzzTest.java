package io.embedspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.tasks.ClassificationTask;
import io.embedspark.eval.tasks.RerankingTask;
import io.embedspark.eval.tasks.StsTask;
import io.embedspark.io.JsonFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON lines read as STS, reranking and classification rows, on any bytes: a task, or an
 * InvalidInputException naming the file.
 */
class TaskRowsFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyJsonRowsAreReadOrRefusedByName(byte[] bytes) {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      try {
        JsonNode row = JsonFiles.MAPPER.readTree(line);
        if (row != null && !row.isMissingNode()) {
          rows.add(row);
        }
      } catch (JacksonException e) {
        return; // the file reader refuses a line that is not JSON before a task sees it
      }
    }
    try {
      StsTask.of("sts", Fuzzing.SOURCE, rows, "sentence1", "sentence2", "score");
    } catch (InvalidInputException e) {
      Fuzzing.requireNamed(e);
    }
    try {
      RerankingTask.of("rerank", Fuzzing.SOURCE, rows, "query", "positive", "negative");
    } catch (InvalidInputException e) {
      Fuzzing.requireNamed(e);
    }
    try {
      ClassificationTask.of("cls", Fuzzing.SOURCE, rows, Fuzzing.SOURCE, rows, "text", "label",
          2, 4);
    } catch (InvalidInputException e) {
      Fuzzing.requireNamed(e);
    }
  }
}
