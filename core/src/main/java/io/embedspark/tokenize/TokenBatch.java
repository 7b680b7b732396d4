package io.embedspark.tokenize;

/**
 * Token ids of N texts padded to the longest of them (T tokens), with the attention mask.
 *
 * @param size N, the number of texts
 * @param width T, the padded length
 * @param ids row-major [N, T] token ids; padding positions hold the pad id
 * @param lengths number of real tokens of each text, special tokens included
 * @param truncated whether each text was cut to fit the tokenizer's maximum length
 */
public record TokenBatch(int size, int width, int[] ids, int[] lengths, boolean[] truncated)
    implements java.io.Serializable {

  /** Row-major [N, T] mask: 1 for real tokens, 0 for padding. */
  public float[] mask() {
    float[] m = new float[size * width];
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < lengths[i]; j++) {
        m[i * width + j] = 1f;
      }
    }
    return m;
  }

  /** Row-major [N, T] position ids 0..T-1 on every row. */
  public int[] positions() {
    int[] p = new int[size * width];
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < width; j++) {
        p[i * width + j] = j;
      }
    }
    return p;
  }

  /** Number of real (unpadded) tokens in the batch. */
  public long realTokens() {
    long n = 0;
    for (int l : lengths) {
      n += l;
    }
    return n;
  }

  /** The given rows, in that order, as a batch of their own padded to the longest of them. */
  public TokenBatch select(int[] rows) {
    int t = 1;
    for (int r : rows) {
      t = Math.max(t, lengths[r]);
    }
    int[] selected = new int[rows.length * t];
    int[] len = new int[rows.length];
    boolean[] trunc = new boolean[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(ids, rows[i] * width, selected, i * t, lengths[rows[i]]);
      len[i] = lengths[rows[i]];
      trunc[i] = truncated[rows[i]];
    }
    return new TokenBatch(rows.length, t, selected, len, trunc);
  }

  /** The rows [from, to) as a batch of their own, padded to the longest of them. */
  public TokenBatch slice(int from, int to) {
    int n = to - from;
    int t = 1;
    for (int i = from; i < to; i++) {
      t = Math.max(t, lengths[i]);
    }
    int[] sliced = new int[n * t];
    int[] len = new int[n];
    boolean[] trunc = new boolean[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(ids, (from + i) * width, sliced, i * t, lengths[from + i]);
      len[i] = lengths[from + i];
      trunc[i] = truncated[from + i];
    }
    return new TokenBatch(n, t, sliced, len, trunc);
  }
}
