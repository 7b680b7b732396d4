package io.embedspark.spark;

import java.util.List;

/** Reads the embed job's {@code embedding_d<dim>} columns (Parquet lists of float) from rows. */
public final class VectorColumns {
  private VectorColumns() {}

  /** The column's name for a dim. */
  public static String name(int dim) {
    return "embedding_d" + dim;
  }

  /** A list-of-numbers column value as a float array. */
  public static float[] floats(List<?> list) {
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) list.get(i)).floatValue();
    }
    return v;
  }
}
