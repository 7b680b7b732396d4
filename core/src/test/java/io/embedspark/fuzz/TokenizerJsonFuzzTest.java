package io.embedspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@code tokenizer.json} on any bytes: a tokenizer whose batches are well formed, or a
 * CorruptArtifactException. The tokenizer is the Rust library's, through DJL: an input it cannot
 * handle can abort the whole JVM rather than throw, so the default tests replay this target's
 * inputs (each a crash once found, now refused in Java before the library sees it) and only
 * {@code -Pfuzz} fuzzes it.
 */
@Tag("native-fuzz")
class TokenizerJsonFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyTokenizerJsonLoadsOrIsRefused(byte[] bytes) {
    TextTokenizer tokenizer;
    try {
      tokenizer = new TextTokenizer(new String(bytes, StandardCharsets.UTF_8), 16);
    } catch (CorruptArtifactException e) {
      Fuzzing.requireNamed(e);
      return;
    }
    try (tokenizer) {
      TokenBatch b = tokenizer.encode(List.of("w1 w2 w3 unknown-word", "a b c"));
      if (b.size() != 2 || b.lengths()[0] > 16 || b.lengths()[1] > 16) {
        throw new AssertionError("a batch of 2 texts cut at 16 tokens, got " + b.size()
            + " rows of lengths " + java.util.Arrays.toString(b.lengths()));
      }
    }
  }
}
