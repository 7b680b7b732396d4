package io.embedspark.train;

import com.google.common.hash.Hashing;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingExample;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.tokenize.TextTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a batch of examples into {@link ContrastiveTokens}: prompts applied per task, all
 * sequences tokenized in the layout queries, positives, negatives, and the duplicate keys taken
 * from the prompted texts (equal text, equal key). Without the duplicate mask every example gets
 * keys of its own, so the loss treats a duplicate like any other in-batch negative.
 */
public final class ContrastiveBatcher {
  private final TextTokenizer tokenizer;
  private final TaskPrompts prompts;
  private final boolean duplicateMask;

  /** A batcher whose keys let the loss mask duplicates, as the recipe trains. */
  public ContrastiveBatcher(TextTokenizer tokenizer, TaskPrompts prompts) {
    this(tokenizer, prompts, true);
  }

  /**
   * @param duplicateMask equal texts get equal keys (the loss masks them); false gives every
   *     example distinct keys
   */
  public ContrastiveBatcher(TextTokenizer tokenizer, TaskPrompts prompts,
      boolean duplicateMask) {
    this.tokenizer = tokenizer;
    this.prompts = prompts;
    this.duplicateMask = duplicateMask;
  }

  public ContrastiveTokens tokens(List<TrainingExample> batch) {
    int b = batch.size();
    List<String> texts = new ArrayList<>();
    long[] queryKeys = new long[b];
    long[] positiveKeys = new long[b];
    int[] negatives = new int[b];
    for (int i = 0; i < b; i++) {
      String q = prompts.query(batch.get(i).task(), batch.get(i).query());
      texts.add(q);
      queryKeys[i] = duplicateMask ? key(q) : i;
    }
    for (int i = 0; i < b; i++) {
      String p = prompts.document(batch.get(i).task(), batch.get(i).positive());
      texts.add(p);
      positiveKeys[i] = duplicateMask ? key(p) : i;
    }
    for (int i = 0; i < b; i++) {
      for (String n : batch.get(i).negatives()) {
        texts.add(prompts.document(batch.get(i).task(), n));
      }
      negatives[i] = batch.get(i).negatives().size();
    }
    return new ContrastiveTokens(tokenizer.encode(texts), negatives, queryKeys, positiveKeys);
  }

  static long key(String text) {
    return Hashing.murmur3_128().hashString(text, StandardCharsets.UTF_8).asLong();
  }
}
