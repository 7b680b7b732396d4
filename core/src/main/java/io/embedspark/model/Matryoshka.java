package io.embedspark.model;

/**
 * Matryoshka representation (Kusupati et al. 2022, arXiv 2205.13147) at inference: the first
 * {@code dim} coordinates of an embedding, re-normalised to unit length, serve as a smaller
 * embedding of the same text.
 */
public final class Matryoshka {
  private Matryoshka() {}

  /** The unit-length prefix of {@code dim} coordinates; a zero prefix stays zero. */
  public static float[] truncate(float[] embedding, int dim) {
    if (dim <= 0 || dim > embedding.length) {
      throw new IllegalArgumentException(
          "Matryoshka dim " + dim + " is outside 1.." + embedding.length);
    }
    double sq = 0;
    for (int i = 0; i < dim; i++) {
      sq += (double) embedding[i] * embedding[i];
    }
    float[] out = new float[dim];
    if (sq == 0) {
      return out;
    }
    double inv = 1.0 / Math.sqrt(sq);
    for (int i = 0; i < dim; i++) {
      out[i] = (float) (embedding[i] * inv);
    }
    return out;
  }
}
