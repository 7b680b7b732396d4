package io.embedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tensor packs hold exact values, add element-wise, keep table rows, and refuse mixed layouts. */
class TensorPackTest {
  /** 1, 2, 3, ... in the given shape. */
  private static INDArray seq(DataType t, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return Nd4j.linspace(1, n, n, t).reshape(shape);
  }

  @Test
  void valuesSurviveThePackAndJavaSerialisationExactly() throws Exception {
    for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      INDArray a = Nd4j.rand(t, 3, 4);
      INDArray b = Nd4j.rand(t, 5);
      INDArray transposedView = Nd4j.rand(t, 4, 2).transpose();
      TensorPack p = TensorPack.builder(t).add("a", a).add("b", b).add("v", transposedView)
          .build();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(p);
      }
      TensorPack back;
      try (ObjectInputStream in = new ObjectInputStream(
          new ByteArrayInputStream(bytes.toByteArray()))) {
        back = (TensorPack) in.readObject();
      }
      assertEquals(a, back.array("a"));
      assertEquals(b, back.array("b"));
      assertEquals(transposedView, back.array("v"), "a strided view is packed by value");
      assertEquals(t, back.dtype());
      assertEquals(12 + 5 + 8, back.length());
    }
  }

  @Test
  void packsOfOneLayoutAddElementWise() {
    INDArray a1 = seq(DataType.FLOAT, 2, 3);
    INDArray a2 = seq(DataType.FLOAT, 2, 3).muli(10);
    TensorPack sum = TensorPack.builder(DataType.FLOAT).add("a", a1).build()
        .addInPlace(TensorPack.builder(DataType.FLOAT).add("a", a2).build());
    assertEquals(a1.add(a2), sum.array("a"));
  }

  @Test
  void packsOfDifferentLayoutsAreRefused() {
    TensorPack a = TensorPack.builder(DataType.FLOAT).add("a", seq(DataType.FLOAT, 2, 3)).build();
    TensorPack otherShape = TensorPack.builder(DataType.FLOAT).add("a", seq(DataType.FLOAT, 3, 2))
        .build();
    TensorPack otherRows = TensorPack.builder(DataType.FLOAT)
        .add("a", seq(DataType.FLOAT, 2, 3), new int[] {4, 7}).build();
    TensorPack otherType = TensorPack.builder(DataType.DOUBLE)
        .add("a", seq(DataType.DOUBLE, 2, 3)).build();
    for (TensorPack other : new TensorPack[] {otherShape, otherRows, otherType}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> a.addInPlace(other));
      assertTrue(e.getMessage().contains("different layouts"), e.getMessage());
    }
  }

  @Test
  void tableRowsAreHeldWithTheirIdsAndWrittenBackAtThem() {
    INDArray table = seq(DataType.FLOAT, 10, 3);
    int[] ids = {0, 4, 9};
    TensorPack p = TensorPack.builder(DataType.FLOAT)
        .add("t", Nd4j.pullRows(table, 1, ids), ids).build();
    assertArrayEquals(ids, p.rowIds("t"));
    assertArrayEquals(new long[] {3, 3}, p.shape("t"));
    INDArray target = Nd4j.zeros(DataType.FLOAT, 10, 3);
    p.copyInto("t", target);
    for (int r = 0; r < 10; r++) {
      INDArray expected = r == 0 || r == 4 || r == 9 ? table.getRow(r) : Nd4j.zeros(
          DataType.FLOAT, 3);
      assertEquals(expected, target.getRow(r), "row " + r);
    }
    assertNull(TensorPack.builder(DataType.FLOAT).add("w", table).build().rowIds("w"));
  }

  @Test
  void misuseIsNamed() {
    assertThrows(IllegalArgumentException.class, () -> TensorPack.builder(DataType.INT));
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> TensorPack.builder(DataType.FLOAT).add("a", seq(DataType.FLOAT, 2))
            .add("a", seq(DataType.FLOAT, 2)));
    assertTrue(twice.getMessage().contains("'a' added twice"));
    IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
        () -> TensorPack.builder(DataType.FLOAT).add("t", seq(DataType.FLOAT, 2, 2),
            new int[] {1}));
    assertTrue(rows.getMessage().contains("2 rows but 1 row ids"));
    TensorPack p = TensorPack.builder(DataType.FLOAT).add("a", seq(DataType.FLOAT, 2)).build();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> p.array("b")).getMessage()
        .contains("no tensor 'b'"));
  }
}
