package io.embedspark.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
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
   * The rows of {@code values} [ids, columns] summed per id: row k of the result [size,
   * columns] is the sum, in id order, of the rows whose id is {@code rows[k]}. Summed in Java:
   * libnd4j's {@code unsorted_segment_sum} (1.0.0-M2.1) keeps about its output's size of native
   * memory per call, which a training run calls three times per chunk.
   */
  public INDArray sumRows(INDArray values) {
    if (values.rows() != local.length) {
      throw new IllegalArgumentException(values.rows() + " rows of values for " + local.length
          + " ids");
    }
    int h = (int) values.columns();
    boolean doubles = values.dataType() == DataType.DOUBLE;
    try (INDArray in = values.dup('c')) {
      if (doubles) {
        double[] v = in.data().asDouble();
        double[] out = new double[rows.length * h];
        for (int i = 0; i < local.length; i++) {
          int to = local[i] * h;
          int from = i * h;
          for (int c = 0; c < h; c++) {
            out[to + c] += v[from + c];
          }
        }
        return Nd4j.create(out, new long[] {rows.length, h}, DataType.DOUBLE);
      }
      float[] v = in.data().asFloat();
      float[] out = new float[rows.length * h];
      for (int i = 0; i < local.length; i++) {
        int to = local[i] * h;
        int from = i * h;
        for (int c = 0; c < h; c++) {
          out[to + c] += v[from + c];
        }
      }
      return Nd4j.create(out, new long[] {rows.length, h}, DataType.FLOAT);
    }
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
    try (INDArray ids = Nd4j.createFromArray(rows)) {
      Nd4j.exec(DynamicCustomOp.builder("scatter_add")
          .addInputs(target, ids, updates)
          .addOutputs(target)
          .callInplace(true)
          .build());
    }
  }
}
