package io.embedspark.embed;

import io.embedspark.model.EmbeddingModel;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import java.util.List;

/**
 * Embeds a window of texts with length bucketing ({@link LengthBuckets}): tokenized once, embedded
 * in batches of similar length, returned in input order. Each text's embedding does not depend on
 * which other texts share its batch (padding is masked), so the result equals embedding the texts
 * one by one, up to float rounding. The engine is any {@link BatchEncoder}.
 */
public final class BucketedEmbedder {
  /**
   * Padded tokens per batch by default. Batches of about 2,000 tokens ran 10-13% faster than
   * batches of 16,000 with ONNX Runtime on all-MiniLM-L6-v2 (their activations stay in the CPU's
   * caches) and at the same speed with ND4J (docs/BENCHMARKS.md).
   */
  public static final int DEFAULT_TOKEN_BUDGET = 2_048;
  /** Rows per batch at most by default. */
  public static final int DEFAULT_MAX_ROWS = 256;
  private final TextTokenizer tokenizer;
  private final BatchEncoder encoder;
  private final int tokenBudget;
  private final int maxRows;

  /** Embeddings of a window in input order, with what the window cost. */
  public record Result(float[][] embeddings, boolean[] truncated, int[] lengths, long realTokens,
      long paddedTokens) {}

  /** With the model's own ND4J inference pass. */
  public BucketedEmbedder(EmbeddingModel model, int tokenBudget, int maxRows) {
    this(model.tokenizer(), model::embedRows, tokenBudget, maxRows);
  }

  public BucketedEmbedder(TextTokenizer tokenizer, BatchEncoder encoder, int tokenBudget,
      int maxRows) {
    this.tokenizer = tokenizer;
    this.encoder = encoder;
    this.tokenBudget = tokenBudget;
    this.maxRows = maxRows;
  }

  /**
   * Embeds a window of texts.
   *
   * @throws NonFiniteEmbeddingException if the model gives a text a NaN or infinite coordinate:
   *     such a vector is never returned
   */
  public Result embed(List<String> texts) {
    int n = texts.size();
    float[][] out = new float[n][];
    if (n == 0) {
      return new Result(out, new boolean[0], new int[0], 0, 0);
    }
    TokenBatch all = tokenizer.encode(texts);
    List<int[]> plan = LengthBuckets.planLeastPadding(all.lengths(), tokenBudget, maxRows,
        LengthBuckets.BATCH_COST_TOKENS);
    for (int[] rows : plan) {
      float[][] e = encoder.embed(all.select(rows));
      for (int i = 0; i < rows.length; i++) {
        if (!finite(e[i])) {
          throw new NonFiniteEmbeddingException(rows[i]);
        }
        out[rows[i]] = e[i];
      }
    }
    return new Result(out, all.truncated(), all.lengths(), all.realTokens(),
        LengthBuckets.paddedTokens(all.lengths(), plan));
  }

  private static boolean finite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  /** The model produced a non-finite embedding for the text at {@link #index} of the window. */
  public static final class NonFiniteEmbeddingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final int index;

    NonFiniteEmbeddingException(int index) {
      super("the model produced a non-finite embedding (NaN or infinity) for text " + index
          + " of the window");
      this.index = index;
    }

    /** The text's index in the window passed to {@link BucketedEmbedder#embed}. */
    public int index() {
      return index;
    }
  }
}
