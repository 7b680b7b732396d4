package io.embedspark.model;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Named native buffers that grow to the largest size asked for and are handed out as views of
 * the requested shape, so a forward pass allocates nothing after its first batches. Not
 * thread-safe: each thread keeps its own.
 */
public final class ScratchBuffers {
  private final DataType dtype;
  private final Map<String, INDArray> flat = new HashMap<>();

  public ScratchBuffers(DataType dtype) {
    this.dtype = dtype;
  }

  /** The element type of every buffer. */
  public DataType dtype() {
    return dtype;
  }

  /** A c-ordered view of {@code shape} over the buffer {@code key}; its contents are garbage. */
  public INDArray get(String key, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    INDArray buffer = flat.get(key);
    if (buffer == null || buffer.length() < n) {
      // Uninitialised: callers overwrite what they read, and zeroing a grown buffer costs a pass.
      long size = Math.max(n, buffer == null ? 0 : buffer.length() * 2);
      buffer = Nd4j.createUninitialized(dtype, size);
      flat.put(key, buffer);
    }
    INDArray prefix = buffer.length() == n ? buffer : buffer.get(NDArrayIndex.interval(0, n));
    return prefix.reshape('c', shape);
  }
}
