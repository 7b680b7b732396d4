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
 *
 * <p>A buffer grows to exactly the size asked for, and the buffer it replaces is freed at once:
 * a view handed out earlier under the same name must not be used after a larger request, as it
 * must not be after any request (it would alias the new view). Left to the garbage collector, the
 * native memory of a replaced buffer outlives it for as long as the long-lived owner's old
 * generation goes uncollected, which in a training run with a large heap is hundreds of steps.
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
      if (buffer != null) {
        buffer.close();
      }
      // Uninitialised: callers overwrite what they read, and zeroing a grown buffer costs a pass.
      buffer = Nd4j.createUninitialized(dtype, n);
      flat.put(key, buffer);
    }
    INDArray prefix = buffer.length() == n ? buffer : buffer.get(NDArrayIndex.interval(0, n));
    return prefix.reshape('c', shape);
  }

  /** Frees every buffer; views handed out must not be used after. */
  public void close() {
    flat.values().forEach(INDArray::close);
    flat.clear();
  }
}
