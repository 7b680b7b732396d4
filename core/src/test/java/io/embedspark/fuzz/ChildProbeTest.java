package io.embedspark.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The child JVM takes the blow of an aborting library, and the next input gets a new child. */
class ChildProbeTest {
  private static final String INPUTS =
      "/io/embedspark/fuzz/TokenizerJsonFuzzTestInputs/anyTokenizerJsonLoadsOrIsRefused/";

  @Test
  void aChildThatDiesIsAnAnswerAndTheNextInputGetsANewChild() throws IOException {
    ChildProbe probe = new ChildProbe();
    byte[] wordpiece = resource("wordpiece");
    assertEquals(TokenizerProbe.OK, probe.ask(wordpiece), "a good tokenizer.json loads");
    String died = probe.ask(TokenizerProbe.HALT.getBytes(StandardCharsets.UTF_8));
    assertTrue(died.startsWith("abort: the child JVM exited with code 134"), died);
    assertTrue(died.contains("halting on request"), "the child's last words: " + died);
    assertEquals(TokenizerProbe.OK, probe.ask(wordpiece), "a new child answers");
    assertEquals(TokenizerProbe.REFUSED, probe.ask("{\"model\": 1}".getBytes(
        StandardCharsets.UTF_8)), "negative control: a bad file is refused, not an abort");
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ChildProbeTest.class.getResourceAsStream(INPUTS + name)) {
      return in.readAllBytes();
    }
  }
}
