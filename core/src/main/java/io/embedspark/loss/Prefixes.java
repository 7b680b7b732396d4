package io.embedspark.loss;

import io.embedspark.error.InvalidInputException;

/**
 * Unit-length prefixes u/|u| of the first {@code dim} coordinates of some embeddings, and the
 * backward pass through that normalisation: dL/du = (g - (g . uhat) uhat) / |u|.
 */
final class Prefixes {
  private final double[][] unit;
  private final double[] norm;

  private Prefixes(double[][] unit, double[] norm) {
    this.unit = unit;
    this.norm = norm;
  }

  static Prefixes of(double[][] embeddings, int dim) {
    double[][] unit = new double[embeddings.length][dim];
    double[] norm = new double[embeddings.length];
    for (int i = 0; i < embeddings.length; i++) {
      if (dim > embeddings[i].length) {
        throw new InvalidInputException("Matryoshka dim " + dim + " exceeds the embedding width "
            + embeddings[i].length);
      }
      double sq = 0;
      for (int k = 0; k < dim; k++) {
        sq += embeddings[i][k] * embeddings[i][k];
      }
      norm[i] = Math.sqrt(sq);
      if (norm[i] == 0) {
        throw new InvalidInputException("an embedding's first " + dim
            + " coordinates are all zero; cosine similarity is undefined");
      }
      for (int k = 0; k < dim; k++) {
        unit[i][k] = embeddings[i][k] / norm[i];
      }
    }
    return new Prefixes(unit, norm);
  }

  int size() {
    return unit.length;
  }

  double[] unit(int i) {
    return unit[i];
  }

  /** Gradients with respect to the full-width embeddings, scaled by {@code scale}. */
  double[][] backward(double[][] gradUnit, double scale, int width) {
    double[][] out = new double[unit.length][width];
    for (int i = 0; i < unit.length; i++) {
      double along = GeminiNceLoss.dot(gradUnit[i], unit[i]);
      for (int k = 0; k < unit[i].length; k++) {
        out[i][k] = scale * (gradUnit[i][k] - along * unit[i][k]) / norm[i];
      }
    }
    return out;
  }
}
