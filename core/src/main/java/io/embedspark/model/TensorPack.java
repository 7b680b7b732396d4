package io.embedspark.model;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Named tensors in one flat primitive array of the training precision (float; double for the
 * exactness tests): the one form in which parameters and gradients cross between the driver and
 * executors, converted to and from ND4J arrays here and nowhere else. A tensor may hold only some
 * rows of a table, listed by their row ids (the rows of the word-embedding table a batch touches),
 * so what crosses the network per step follows the batch, not the vocabulary.
 *
 * <p>Packs of the same layout (names, shapes, row ids) add element-wise, which is how executors'
 * gradients are summed.
 */
public final class TensorPack implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean doubles;
  private final String[] names;
  private final long[][] shapes;
  private final int[][] rowIds;
  private final int[] offsets;
  /** Written in blocks of bytes by {@link #writeObject}, not element by element. */
  private transient float[] floats;
  private transient double[] doubleValues;

  private TensorPack(boolean doubles, String[] names, long[][] shapes, int[][] rowIds,
      int[] offsets) {
    this.doubles = doubles;
    this.names = names;
    this.shapes = shapes;
    this.rowIds = rowIds;
    this.offsets = offsets;
    int total = offsets[names.length];
    this.floats = doubles ? null : new float[total];
    this.doubleValues = doubles ? new double[total] : null;
  }

  /** Collects tensors in order, then copies them into one pack. */
  public static final class Builder {
    private final DataType dtype;
    private final List<String> names = new ArrayList<>();
    private final List<INDArray> arrays = new ArrayList<>();
    private final List<int[]> rows = new ArrayList<>();

    private Builder(DataType dtype) {
      if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
        throw new IllegalArgumentException("tensor packs hold FLOAT or DOUBLE, not " + dtype);
      }
      this.dtype = dtype;
    }

    /** Adds a whole tensor. */
    public Builder add(String name, INDArray value) {
      return add(name, value, null);
    }

    /**
     * Adds a tensor that holds only the given rows of a table (row i of {@code value} is table
     * row {@code rowIds[i]}), or a whole tensor when {@code rowIds} is null.
     */
    public Builder add(String name, INDArray value, int[] rowIds) {
      if (names.contains(name)) {
        throw new IllegalArgumentException("tensor '" + name + "' added twice");
      }
      if (rowIds != null && rowIds.length != value.rows()) {
        throw new IllegalArgumentException("tensor '" + name + "' has " + value.rows()
            + " rows but " + rowIds.length + " row ids");
      }
      names.add(name);
      arrays.add(value);
      rows.add(rowIds);
      return this;
    }

    public TensorPack build() {
      int n = names.size();
      int[] offsets = new int[n + 1];
      long[][] shapes = new long[n][];
      for (int i = 0; i < n; i++) {
        shapes[i] = arrays.get(i).shape();
        long next = offsets[i] + arrays.get(i).length();
        if (next > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("tensors beyond '" + names.get(i) + "' exceed "
              + "one Java array; pack them in parts");
        }
        offsets[i + 1] = (int) next;
      }
      TensorPack p = new TensorPack(dtype == DataType.DOUBLE, names.toArray(new String[0]),
          shapes, rows.toArray(new int[0][]), offsets);
      for (int i = 0; i < n; i++) {
        p.copyIn(i, arrays.get(i));
      }
      return p;
    }
  }

  /** A builder of a pack in {@code dtype} (FLOAT or DOUBLE). */
  public static Builder builder(DataType dtype) {
    return new Builder(dtype);
  }

  /** A pack of every array of {@code arrays}, in its iteration order, all rows. */
  public static TensorPack of(Map<String, INDArray> arrays, DataType dtype) {
    Builder b = builder(dtype);
    arrays.forEach(b::add);
    return b.build();
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    out.defaultWriteObject();
    int total = offsets[names.length];
    int width = doubles ? Double.BYTES : Float.BYTES;
    byte[] block = new byte[1 << 20];
    ByteBuffer bytes = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < total; from += block.length / width) {
      int n = Math.min(block.length / width, total - from);
      bytes.clear();
      if (doubles) {
        bytes.asDoubleBuffer().put(doubleValues, from, n);
      } else {
        bytes.asFloatBuffer().put(floats, from, n);
      }
      out.write(block, 0, n * width);
    }
  }

  private void readObject(java.io.ObjectInputStream in)
      throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    int total = offsets[names.length];
    int width = doubles ? Double.BYTES : Float.BYTES;
    floats = doubles ? null : new float[total];
    doubleValues = doubles ? new double[total] : null;
    byte[] block = new byte[1 << 20];
    ByteBuffer bytes = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < total; from += block.length / width) {
      int n = Math.min(block.length / width, total - from);
      in.readFully(block, 0, n * width);
      bytes.clear();
      if (doubles) {
        bytes.asDoubleBuffer().get(doubleValues, from, n);
      } else {
        bytes.asFloatBuffer().get(floats, from, n);
      }
    }
  }

  private void copyIn(int i, INDArray value) {
    INDArray c = value.dataType() == dtype() && value.ordering() == 'c' && !value.isView()
        && value.offset() == 0 ? value : value.castTo(dtype()).dup('c');
    ByteBuffer bytes = c.data().asNio().order(ByteOrder.nativeOrder());
    int length = offsets[i + 1] - offsets[i];
    if (doubles) {
      bytes.asDoubleBuffer().get(doubleValues, offsets[i], length);
    } else {
      bytes.asFloatBuffer().get(floats, offsets[i], length);
    }
  }

  private int index(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no tensor '" + name + "' in this pack of "
        + Arrays.toString(names));
  }

  public DataType dtype() {
    return doubles ? DataType.DOUBLE : DataType.FLOAT;
  }

  /** Tensor names in pack order. */
  public List<String> names() {
    return List.of(names);
  }

  /** The table rows a tensor holds, or null when it holds the whole tensor. */
  public int[] rowIds(String name) {
    return rowIds[index(name)];
  }

  /** The shape of what the pack holds for a tensor ([rows held, width] for row subsets). */
  public long[] shape(String name) {
    return shapes[index(name)].clone();
  }

  /** Number of values held. */
  public long length() {
    return offsets[names.length];
  }

  /** A new ND4J array (the pack's dtype) with a tensor's values as held. */
  public INDArray array(String name) {
    int i = index(name);
    INDArray a = Nd4j.createUninitialized(dtype(), shapes[i], 'c');
    copyOut(i, a);
    return a;
  }

  /**
   * Writes a tensor's values into {@code target}: the whole tensor, or only the rows held, at
   * their row ids (other rows untouched).
   */
  public void copyInto(String name, INDArray target) {
    int i = index(name);
    if (rowIds[i] == null) {
      if (!Arrays.equals(target.shape(), shapes[i])) {
        throw new IllegalArgumentException("tensor '" + name + "' has shape "
            + Arrays.toString(shapes[i]) + ", target " + Arrays.toString(target.shape()));
      }
      if (target.ordering() == 'c' && !target.isView() && target.offset() == 0
          && target.dataType() == dtype()) {
        copyOut(i, target);
      } else {
        target.assign(array(name));
      }
      return;
    }
    try (INDArray held = array(name); INDArray ids = Nd4j.createFromArray(rowIds[i])) {
      Nd4j.exec(DynamicCustomOp.builder("scatter_upd")
          .addInputs(target, ids, held)
          .addOutputs(target)
          .callInplace(true)
          .build());
    }
  }

  private void copyOut(int i, INDArray target) {
    ByteBuffer bytes = target.data().asNio().order(ByteOrder.nativeOrder());
    int length = offsets[i + 1] - offsets[i];
    if (doubles) {
      bytes.asDoubleBuffer().put(doubleValues, offsets[i], length);
    } else {
      bytes.asFloatBuffer().put(floats, offsets[i], length);
    }
  }

  /**
   * Adds {@code other} element-wise into this pack and returns this.
   *
   * @throws IllegalArgumentException if the layouts differ (names, shapes or row ids)
   */
  public TensorPack addInPlace(TensorPack other) {
    if (doubles != other.doubles || !Arrays.equals(names, other.names)
        || !Arrays.deepEquals(shapes, other.shapes) || !Arrays.deepEquals(rowIds, other.rowIds)) {
      throw new IllegalArgumentException("tensor packs of different layouts cannot be added: "
          + Arrays.toString(names) + " vs " + Arrays.toString(other.names));
    }
    if (doubles) {
      for (int k = 0; k < doubleValues.length; k++) {
        doubleValues[k] += other.doubleValues[k];
      }
    } else {
      for (int k = 0; k < floats.length; k++) {
        floats[k] += other.floats[k];
      }
    }
    return this;
  }

  /** The tensors as new ND4J arrays, in pack order (row subsets as held). */
  public Map<String, INDArray> arrays() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, array(name));
    }
    return out;
  }
}
