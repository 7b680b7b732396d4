package io.embedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Distinct rows, positions among them, a scatter-add that equals a dense per-row sum, and rows
 * summed per id.
 */
class RowIndexTest {
  @Test
  void distinctRowsAndPositions() {
    RowIndex r = RowIndex.of(new int[] {7, 3, 7, 0, 3, 3});
    assertArrayEquals(new int[] {0, 3, 7}, r.rows());
    assertArrayEquals(new int[] {2, 1, 2, 0, 1, 1}, r.local());
    assertEquals(3, r.size());
    assertThrows(IllegalArgumentException.class,
        () -> RowIndex.positions(new int[] {0, 3}, new int[] {5}));
  }

  @Test
  void scatterAddEqualsAddingEachRowByHand() {
    INDArray target = Nd4j.rand(DataType.DOUBLE, 20, 4);
    INDArray expected = target.dup();
    int[] rows = {1, 6, 19};
    INDArray updates = Nd4j.rand(DataType.DOUBLE, 3, 4);
    for (int i = 0; i < rows.length; i++) {
      expected.getRow(rows[i]).addi(updates.getRow(i));
    }
    RowIndex.scatterAdd(target, rows, updates);
    assertEquals(expected, target);
    // Negative control: the rows in another order land elsewhere.
    INDArray other = expected.dup();
    RowIndex.scatterAdd(other, new int[] {1, 6, 18}, updates);
    assertEquals(expected.getRow(0), other.getRow(0));
    assertEquals(false, expected.getRow(18).equals(other.getRow(18)));
  }

  @Test
  void everyRowInOrderIsAPlainAdd() {
    INDArray target = Nd4j.rand(DataType.FLOAT, 3, 2);
    INDArray updates = Nd4j.rand(DataType.FLOAT, 3, 2);
    INDArray expected = target.add(updates);
    RowIndex.scatterAdd(target, new int[] {0, 1, 2}, updates);
    assertEquals(expected, target);
  }

  /**
   * Rows summed per id equal libnd4j's own {@code unsorted_segment_sum} (which the training pass
   * no longer calls, since it keeps native memory per call), in both precisions, on a view as the
   * backward pass passes one; a sum with two ids swapped differs (negative control).
   */
  @Test
  void rowsSummedPerIdEqualTheLibrarysSegmentSum() {
    int[] ids = {5, 9, 5, 0, 9, 9, 5, 2};
    RowIndex index = RowIndex.of(ids);
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray buffer = Nd4j.rand(type, 1, ids.length * 3 + 6);
      INDArray values = buffer.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(0, ids.length * 3))
          .reshape('c', ids.length, 3);
      INDArray expected = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.segment
          .UnsortedSegmentSum(values.dup('c'), Nd4j.createFromArray(index.local()),
          index.size()))[0];
      try (INDArray sums = index.sumRows(values)) {
        assertArrayEquals(new long[] {4, 3}, sums.shape());
        assertEquals(type, sums.dataType());
        assertTrue(expected.equalsWithEps(sums, type == DataType.DOUBLE ? 1e-15 : 1e-6),
            type + ": " + sums + " against " + expected);
        int[] swapped = ids.clone();
        swapped[0] = 9;
        swapped[1] = 5;
        try (INDArray wrong = RowIndex.of(swapped).sumRows(values)) {
          assertFalse(expected.equalsWithEps(wrong, 1e-3), "negative control");
        }
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> index.sumRows(Nd4j.zeros(DataType.FLOAT, 3, 3)));
  }
}
