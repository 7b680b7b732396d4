package io.embedspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.BeirTask;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A BEIR qrels file on any bytes: judgements, or an InvalidInputException naming the file. */
class QrelsFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyQrelsAreReadOrRefusedByName(byte[] bytes) {
    List<String> lines = List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1));
    try {
      BeirTask.qrels(lines, Fuzzing.SOURCE);
    } catch (InvalidInputException e) {
      Fuzzing.requireNamed(e);
    }
  }
}
