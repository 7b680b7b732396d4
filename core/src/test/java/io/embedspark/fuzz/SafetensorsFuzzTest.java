package io.embedspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.SafetensorsReader;

/** The safetensors reader on any bytes: tensors, or a CorruptArtifactException naming the file. */
class SafetensorsFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyBytesAreReadOrRefusedByName(byte[] bytes) {
    try {
      SafetensorsReader.read(bytes, Fuzzing.SOURCE);
    } catch (CorruptArtifactException e) {
      Fuzzing.requireNamed(e);
    }
  }
}
