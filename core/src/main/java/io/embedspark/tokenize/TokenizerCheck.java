package io.embedspark.tokenize;

import io.embedspark.error.CorruptArtifactException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads one {@code tokenizer.json} with the native tokenizers library and encodes two texts, in a
 * JVM of its own ({@link TokenizerIsolation} starts it): the library aborts its whole process on
 * some faults instead of throwing, and here that costs this JVM only. Reads the file's bytes from
 * standard input and prints one line: {@code ok}, {@code refused} (the project's own error), or
 * {@code error: ...}.
 */
public final class TokenizerCheck {
  /** The file loads and encodes. */
  public static final String OK = "ok";
  /** The file is refused with a {@link CorruptArtifactException} naming the problem. */
  public static final String REFUSED = "refused";
  /** The texts encoded after loading. */
  public static final List<String> TEXTS = List.of("w1 w2 w3 unknown-word", "a b c");

  private TokenizerCheck() {}

  public static void main(String[] args) throws IOException {
    PrintStream answer = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    System.setOut(System.err); // libraries' chatter must not mix with the answer
    answer.println(verdict(System.in.readAllBytes()));
  }

  /** The verdict on one file, on one line. */
  public static String verdict(byte[] bytes) {
    try (TextTokenizer tokenizer = new TextTokenizer(new String(bytes, StandardCharsets.UTF_8),
        16)) {
      TokenBatch b = tokenizer.encode(TEXTS);
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
