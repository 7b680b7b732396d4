package io.embedspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import io.embedspark.tokenize.TokenizerCheck;
import io.embedspark.tokenize.TokenizerIsolation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A {@code tokenizer.json} on any bytes, loaded as the command-line launcher loads one (Java
 * checks, then the native library in a child JVM first, {@link TokenizerIsolation}): a tokenizer
 * whose batch of the check's texts is well formed, or a CorruptArtifactException naming the
 * problem. An input on which the Rust library aborts its process (it does rather than throw on
 * some faults the Java checks do not know, e.g. {@code unigram-without-unk-id}) must be refused,
 * never reach this JVM. Inputs that pass the Java checks cost a child JVM each, so a bounded run
 * tries fewer of them than of the others.
 */
class TokenizerJsonFuzzTest {
  private static boolean wasEnabled;

  @BeforeAll
  static void isolate() {
    wasEnabled = TokenizerIsolation.enabled();
    TokenizerIsolation.enable();
  }

  @AfterAll
  static void restore() {
    if (!wasEnabled) {
      TokenizerIsolation.disable();
    }
  }

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
      TokenBatch b = tokenizer.encode(TokenizerCheck.TEXTS);
      if (b.size() != 2 || b.lengths()[0] > 16 || b.lengths()[1] > 16) {
        throw new AssertionError("a batch of 2 texts cut at 16 tokens, got " + b.size() + " rows");
      }
    } catch (RuntimeException e) {
      // The library's own errors on encode (not aborts) are not refusals at load: a finding.
      throw new AssertionError("a tokenizer.json that loaded fails to encode: " + e, e);
    }
  }
}
