package io.embedspark.spark;

import io.embedspark.backprop.ManualBackprop;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.NativeThreads;
import io.embedspark.nd4j.OpFence;
import io.embedspark.tokenize.TokenBatch;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The executor's encoder replicas for training, a pool with one replica per concurrently running
 * task: a task borrows one, loads the broadcast parameter version into it if it holds an older
 * one, and returns it when done. Replicas keep their buffers (a chunk's activations, about 1 GB
 * for 32 sequences of 128 tokens of a 6 x 384 encoder), so the pool never holds more than the
 * executor's task slots did at once. A task that asks for the replica still holding a chunk's
 * activations from the embed pass gets it when it is idle, and skips that chunk's forward pass.
 */
final class ExecutorEncoders {
  private static final ConcurrentLinkedDeque<Replica> IDLE = new ConcurrentLinkedDeque<>();

  private record Replica(String run, ManualBackprop encoder, long[] version) {}

  private ExecutorEncoders() {}

  /**
   * Runs {@code work} with a replica loaded with the broadcast version.
   *
   * @param chunk with {@code seed}, the chunk whose kept activations the work would reuse, or
   *     null
   */
  static <T> T withReplica(String run, EncoderConfig config, DataType dtype, boolean dropout,
      Broadcast<ParameterSnapshot> parameters, TokenBatch chunk, long seed,
      Function<ManualBackprop, T> work) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      NativeThreads.configure(task.cpus());
    }
    OpFence.warnIfInactive();
    Replica r = borrow(run, chunk, seed);
    if (r == null) {
      r = new Replica(run, new ManualBackprop(config, dtype, dropout), new long[] {-1});
    }
    try {
      ParameterSnapshot p = parameters.value();
      if (r.version()[0] != p.version()) {
        r.version()[0] = -1; // a load that fails half-way leaves no usable version
        p.loadInto(r.encoder());
        r.version()[0] = p.version();
      }
      return work.apply(r.encoder());
    } finally {
      IDLE.push(r);
    }
  }

  /** An idle replica of this run, preferably the one holding the chunk's activations. */
  private static Replica borrow(String run, TokenBatch chunk, long seed) {
    for (Replica r : IDLE) {
      if (!r.run().equals(run) && IDLE.remove(r)) {
        r.encoder().release(); // an earlier run's replica: its memory now, not at a full GC
      }
    }
    if (chunk != null) {
      for (Replica r : IDLE) {
        if (r.encoder().holdsActivationsOf(chunk, seed) && IDLE.remove(r)) {
          return r;
        }
      }
    }
    Replica r = IDLE.poll();
    return r == null || r.run().equals(run) ? r : null;
  }
}
