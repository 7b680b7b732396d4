package io.embedspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.tokenize.TextTokenizer;
import org.junit.jupiter.api.Tag;
import java.nio.charset.StandardCharsets;

/**
 * A {@code tokenizer.json} on any bytes: a tokenizer whose batches are well formed, or a
 * CorruptArtifactException. The Java checks run here, where the fuzzer sees their coverage; a file
 * that passes them is loaded by the Rust library (through DJL) in a child JVM ({@link
 * ChildProbe}), because an input the library cannot handle aborts its whole process rather than
 * throw: here that is a finding naming the input and the library's panic, not a lost test JVM.
 * The library still aborts on inputs the Java checks do not know, and a fuzzer finds one within
 * minutes, so the default tests replay this target's inputs (each an abort once found, now refused
 * in Java) and {@code -Pfuzz} fuzzes it.
 */
@Tag("native-fuzz")
class TokenizerJsonFuzzTest {
  private static final ChildProbe PROBE = new ChildProbe();

  @FuzzTest(maxDuration = "10s")
  void anyTokenizerJsonLoadsOrIsRefused(byte[] bytes) {
    try {
      TextTokenizer.validate(new String(bytes, StandardCharsets.UTF_8));
    } catch (CorruptArtifactException e) {
      Fuzzing.requireNamed(e);
      return;
    }
    String verdict = PROBE.ask(bytes);
    if (!verdict.equals(TokenizerProbe.OK) && !verdict.equals(TokenizerProbe.REFUSED)) {
      throw new AssertionError("a tokenizer.json that passes the Java checks: " + verdict);
    }
  }
}
