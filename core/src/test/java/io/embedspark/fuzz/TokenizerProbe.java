package io.embedspark.fuzz;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The child JVM of {@link ChildProbe}: reads {@code tokenizer.json} files framed on standard input
 * (a 4-byte length, then the bytes), loads each with the native tokenizers library, encodes two
 * texts, and answers one line per file: {@code ok}, {@code refused} (the project's own error, with
 * a message), or {@code error: ...}. A fault the library cannot survive kills this JVM only.
 */
public final class TokenizerProbe {
  static final String OK = "ok";
  static final String REFUSED = "refused";
  /** An input that makes the probe halt as an aborting library would (for its own test). */
  static final String HALT = "embedspark-probe-halt";

  private TokenizerProbe() {}

  public static void main(String[] args) throws IOException {
    PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    System.setOut(System.err); // libraries' chatter must not interleave with the answers
    DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
    while (true) {
      int length;
      try {
        length = in.readInt();
      } catch (EOFException e) {
        return;
      }
      byte[] input = in.readNBytes(length);
      if (new String(input, StandardCharsets.UTF_8).equals(HALT)) {
        System.err.println("halting on request");
        Runtime.getRuntime().halt(134);
      }
      answers.println(probe(input));
    }
  }

  /** The verdict on one file, on one line. */
  static String probe(byte[] bytes) {
    try (TextTokenizer tokenizer = new TextTokenizer(new String(bytes, StandardCharsets.UTF_8),
        16)) {
      TokenBatch b = tokenizer.encode(List.of("w1 w2 w3 unknown-word", "a b c"));
      if (b.size() != 2 || b.lengths()[0] > 16 || b.lengths()[1] > 16) {
        return "error: a batch of 2 texts cut at 16 tokens, got " + b.size()
            + " rows of lengths " + java.util.Arrays.toString(b.lengths());
      }
      return OK;
    } catch (CorruptArtifactException e) {
      return e.getMessage() == null || e.getMessage().isBlank()
          ? "error: a CorruptArtifactException without a message" : REFUSED;
    } catch (RuntimeException | Error e) {
      return "error: " + e.toString().replace('\n', ' ');
    }
  }
}
