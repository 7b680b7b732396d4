package io.embedspark.embed;

import io.embedspark.model.EmbeddingModel;
import io.embedspark.tokenize.TokenBatch;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Embeds a window of texts with length bucketing ({@link LengthBuckets}): tokenized once, embedded
 * in batches of similar length, returned in input order. Each text's embedding does not depend on
 * which other texts share its batch (padding is masked), so the result equals embedding the texts
 * one by one, up to float rounding.
 */
public final class BucketedEmbedder {
  private final EmbeddingModel model;
  private final int tokenBudget;
  private final int maxRows;

  /** Embeddings of a window in input order, with what the window cost. */
  public record Result(float[][] embeddings, boolean[] truncated, int[] lengths, long realTokens,
      long paddedTokens) {}

  public BucketedEmbedder(EmbeddingModel model, int tokenBudget, int maxRows) {
    this.model = model;
    this.tokenBudget = tokenBudget;
    this.maxRows = maxRows;
  }

  public Result embed(List<String> texts) {
    int n = texts.size();
    float[][] out = new float[n][];
    if (n == 0) {
      return new Result(out, new boolean[0], new int[0], 0, 0);
    }
    TokenBatch all = model.tokenizer().encode(texts);
    List<int[]> plan = LengthBuckets.plan(all.lengths(), tokenBudget, maxRows);
    for (int[] rows : plan) {
      INDArray e = model.embed(all.select(rows)).castTo(DataType.FLOAT);
      for (int i = 0; i < rows.length; i++) {
        out[rows[i]] = e.getRow(i).toFloatVector();
      }
    }
    return new Result(out, all.truncated(), all.lengths(), all.realTokens(),
        LengthBuckets.paddedTokens(all.lengths(), plan));
  }
}
