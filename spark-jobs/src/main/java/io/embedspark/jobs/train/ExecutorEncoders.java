package io.embedspark.jobs.train;

import io.embedspark.gradcache.BackpropEngine;
import io.embedspark.gradcache.TrainableEncoder;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.NativeThreads;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Each executor thread's encoder replica for training: built once per thread (buffers and all),
 * loaded with a parameter version only when the broadcast carries a newer one.
 */
final class ExecutorEncoders {
  private static final ThreadLocal<Replica> REPLICA = new ThreadLocal<>();

  private record Replica(String run, TrainableEncoder encoder, long[] version) {}

  private ExecutorEncoders() {}

  static TrainableEncoder get(String run, EncoderConfig config, DataType dtype, boolean dropout,
      Broadcast<ParameterSnapshot> parameters) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      NativeThreads.configure(task.cpus());
    }
    Replica r = REPLICA.get();
    boolean fresh = r == null || !r.run().equals(run);
    if (fresh) {
      r = new Replica(run, BackpropEngine.MANUAL.create(config, dtype, dropout), new long[] {-1});
      REPLICA.set(r);
    }
    ParameterSnapshot p = parameters.value();
    if (r.version()[0] != p.version()) {
      p.loadInto(r.encoder(), fresh);
      r.version()[0] = p.version();
    }
    return r.encoder();
  }
}
