package io.embedspark.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.CorruptArtifactException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (WordPiece, Unigram or BPE) run by the Rust tokenizers
 * library through DJL's binding, with truncation to a maximum length and padding to the longest
 * text of each batch. Keeps the JSON text so a checkpoint bundle can save it unchanged.
 */
public final class TextTokenizer implements AutoCloseable {
  static {
    // DJL otherwise contacts a cloud metadata address at start-up; the native library ships in
    // the jar, so nothing needs the network.
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
  }

  private final String json;
  private final int maxLength;
  private final int vocabSize;
  private final int padId;
  private final HuggingFaceTokenizer tokenizer;

  /**
   * @param json the content of a {@code tokenizer.json}
   * @param maxLength texts longer than this many tokens (special tokens included) are truncated
   */
  public TextTokenizer(String json, int maxLength) {
    this.json = json;
    this.maxLength = maxLength;
    JsonNode root = validated(json);
    this.vocabSize = TokenizerJson.vocabSize(root);
    this.padId = TokenizerJson.tokenId(root, "[PAD]", "<pad>").orElse(0);
    TokenizerIsolation.check(json);
    Map<String, String> options = Map.of(
        "truncation", "true",
        "padding", "false",
        "maxLength", Integer.toString(maxLength),
        "addSpecialTokens", "true");
    try {
      this.tokenizer = HuggingFaceTokenizer.newInstance(
          new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), options);
    } catch (IOException | RuntimeException e) {
      throw new CorruptArtifactException("tokenizer.json could not be loaded: " + e.getMessage(),
          e);
    }
  }

  /**
   * The checks made in Java before the native library sees a {@code tokenizer.json}: valid JSON,
   * a known model and post-processor, template special tokens that are defined, a vocabulary.
   *
   * @throws CorruptArtifactException naming the first problem found
   */
  public static void validate(String json) {
    TokenizerJson.vocabSize(validated(json));
  }

  private static JsonNode validated(String json) {
    JsonNode root = parse(json);
    List<String> problems = TokenizerJson.templateProblems(root);
    if (!problems.isEmpty()) {
      // The native library aborts the whole process on these when it encodes: refuse them here.
      throw new CorruptArtifactException("tokenizer.json: " + String.join("; ", problems));
    }
    return root;
  }

  private static JsonNode parse(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new CorruptArtifactException("tokenizer.json is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Tokenizes and pads a batch of texts. */
  public TokenBatch encode(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts.toArray(new String[0]));
    int n = encodings.length;
    int width = 1;
    for (Encoding e : encodings) {
      width = Math.max(width, e.getIds().length);
    }
    int[] ids = new int[n * width];
    Arrays.fill(ids, padId);
    int[] lengths = new int[n];
    boolean[] truncated = new boolean[n];
    for (int i = 0; i < n; i++) {
      long[] row = encodings[i].getIds();
      for (int j = 0; j < row.length; j++) {
        ids[i * width + j] = Math.toIntExact(row[j]);
      }
      lengths[i] = row.length;
      truncated[i] = encodings[i].exceedMaxLength();
    }
    return new TokenBatch(n, width, ids, lengths, truncated);
  }

  /** The token strings of one text, special tokens included, for inspection. */
  public List<String> tokens(String text) {
    return Arrays.asList(tokenizer.encode(text).getTokens());
  }

  /** Number of ids the tokenizer can produce: the model's vocabulary size. */
  public int vocabSize() {
    return vocabSize;
  }

  public int maxLength() {
    return maxLength;
  }

  /** The tokenizer.json text this tokenizer was built from. */
  public String json() {
    return json;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
