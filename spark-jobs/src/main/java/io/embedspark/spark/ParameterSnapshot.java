package io.embedspark.spark;

import io.embedspark.backprop.ManualBackprop;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import io.embedspark.model.TensorPack;
import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The driver's parameters at one version, for a broadcast: every tensor in the training
 * precision, keyed by graph variable name (linear weights as [in, out] kernels), except that the
 * word-embedding table may be cut to the rows one batch touches. Executors load a version once
 * and reuse it for both passes of the step.
 *
 * @param version increases with every optimiser step
 * @param values the tensors
 */
record ParameterSnapshot(long version, TensorPack values) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Every tensor whole. */
  static ParameterSnapshot of(long version, TrainableEncoder encoder) {
    return of(version, encoder, null);
  }

  /**
   * Every tensor, the word-embedding table cut to {@code tableRows} (ascending, distinct; the
   * batch's ids then have to be mapped to positions among them) or whole when null.
   */
  static ParameterSnapshot of(long version, TrainableEncoder encoder, int[] tableRows) {
    TensorPack.Builder b = TensorPack.builder(encoder.dtype());
    INDArray rows = null;
    for (String name : graphNames(encoder.config())) {
      INDArray a = encoder.array(name);
      if (tableRows != null && name.equals(ParameterNames.WORD_EMBEDDINGS)) {
        rows = Nd4j.pullRows(a, 1, tableRows);
        b.add(name, rows, tableRows);
      } else {
        b.add(name, a);
      }
    }
    try {
      return new ParameterSnapshot(version, b.build()); // copies the values
    } finally {
      if (rows != null) {
        rows.close();
      }
    }
  }

  /** Every parameter's graph name. */
  static Iterable<String> graphNames(EncoderConfig config) {
    return ParameterNames.all(config).stream().map(ModelParameters::graphName).toList();
  }

  /** The rows of the word-embedding table this snapshot holds, or null for the whole table. */
  int[] tableRows() {
    return values.rowIds(ParameterNames.WORD_EMBEDDINGS);
  }

  /**
   * Loads this version into a replica: a tensor of the same shape is overwritten in place, any
   * other (a fresh replica, or the word table cut to another batch's rows) replaced, and the array
   * it replaces freed. A replica's arrays all come from here, so it owns them.
   */
  void loadInto(ManualBackprop encoder) {
    for (String name : values.names()) {
      INDArray current = encoder.array(name);
      if (current != null && java.util.Arrays.equals(current.shape(), values.shape(name))
          && values.rowIds(name) == null) {
        values.copyInto(name, current);
      } else {
        encoder.replace(name, values.array(name));
        if (current != null) {
          current.close(); // native memory a long-lived replica would hold until a full GC
        }
      }
    }
  }
}
