package io.embedspark.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.CorruptArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code tokenizer.json} on which the native library aborts its process is refused with the
 * library's message when loaded with isolation on, and this JVM lives on. The negative control
 * loads the same file directly in a JVM of its own, which dies.
 */
class TokenizerIsolationTest {
  private static final String INPUTS =
      "/io/embedspark/fuzz/TokenizerJsonFuzzTestInputs/anyTokenizerJsonLoadsOrIsRefused/";

  @BeforeEach
  void enable() {
    TokenizerIsolation.enable();
  }

  @AfterEach
  void disable() {
    TokenizerIsolation.disable();
  }

  @Test
  void aFileTheLibraryAbortsOnIsRefusedWithItsMessage() throws Exception {
    String json = resource("unigram-without-unk-id");
    CorruptArtifactException e = assertThrows(CorruptArtifactException.class,
        () -> new TextTokenizer(json, 16));
    assertTrue(e.getMessage().startsWith("tokenizer.json makes the native tokenizers library "
        + "abort its process"), e.getMessage());
    assertTrue(e.getMessage().contains("MissingUnkId"), "the library's panic: " + e.getMessage());

    // Negative control: without the check, loading it kills the JVM that does.
    Process direct = new ProcessBuilder(List.of(
        ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), TokenizerCheck.class.getName()))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (OutputStream in = direct.getOutputStream()) {
      in.write(json.getBytes(StandardCharsets.UTF_8));
    }
    String answer = new String(direct.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertNotEquals(0, direct.waitFor(), "the direct load must die, answered: " + answer);
    assertEquals("", answer.trim());
  }

  @Test
  void aGoodFileLoadsAndIsCheckedOncePerContent() throws IOException {
    String json = resource("wordpiece");
    long before = TokenizerIsolation.childrenStarted();
    try (TextTokenizer t = new TextTokenizer(json, 16)) {
      assertEquals(2, t.encode(TokenizerCheck.TEXTS).size());
    }
    try (TextTokenizer again = new TextTokenizer(json, 8)) {
      assertEquals(8, again.maxLength());
    }
    assertEquals(before + 1, TokenizerIsolation.childrenStarted(),
        "one child for the first load of this content, none for the second");
  }

  @Test
  void offUnlessEnabled() throws IOException {
    TokenizerIsolation.disable();
    long before = TokenizerIsolation.childrenStarted();
    String json = resource("unigram").replace("\"vocab\"", "\"vocab\" ");
    try (TextTokenizer t = new TextTokenizer(json, 16)) {
      assertEquals(before, TokenizerIsolation.childrenStarted());
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TokenizerIsolationTest.class.getResourceAsStream(INPUTS + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
