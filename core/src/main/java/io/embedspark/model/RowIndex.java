package io.embedspark.model;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The distinct rows of an embedding table that some token ids touch, sorted, and the position of
 * every id among them. A batch of a few hundred sequences touches a few thousand of a
 * vocabulary's 30,000 to 250,000 rows; table gradients and the table values shipped to executors
 * are kept to those rows.
 *
 * @param rows the distinct ids, ascending
 * @param local for each id given, its index in {@code rows}
 */
public record RowIndex(int[] rows, int[] local) implements java.io.Serializable {

  /** The rows that {@code ids} touch. */
  public static RowIndex of(int[] ids) {
    int[] rows = distinct(ids);
    return new RowIndex(rows, positions(rows, ids));
  }

  /** The distinct values of {@code ids}, ascending. */
  public static int[] distinct(int[] ids) {
    int[] sorted = ids.clone();
    Arrays.sort(sorted);
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[n++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, n);
  }

  /**
   * The index in {@code rows} (ascending, distinct) of every id.
   *
   * @throws IllegalArgumentException if an id is not among the rows
   */
  public static int[] positions(int[] rows, int[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      int at = Arrays.binarySearch(rows, ids[i]);
      if (at < 0) {
        throw new IllegalArgumentException("id " + ids[i] + " is not among the " + rows.length
            + " rows of this index");
      }
      out[i] = at;
    }
    return out;
  }

  /** Number of distinct rows. */
  public int size() {
    return rows.length;
  }

  /**
   * Adds row i of {@code updates} to row {@code rows[i]} of {@code target}, in place. The rows
   * are distinct, so the native scatter has no two writers on one row.
   */
  public static void scatterAdd(INDArray target, int[] rows, INDArray updates) {
    if (rows.length == target.rows()) {
      target.addi(updates); // every row, in order: rows are 0..n-1
      return;
    }
    Nd4j.exec(DynamicCustomOp.builder("scatter_add")
        .addInputs(target, Nd4j.createFromArray(rows), updates)
        .addOutputs(target)
        .callInplace(true)
        .build());
  }
}
