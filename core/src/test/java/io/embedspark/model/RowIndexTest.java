package io.embedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Distinct rows, positions among them, and a scatter-add that equals a dense per-row sum. */
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
}
