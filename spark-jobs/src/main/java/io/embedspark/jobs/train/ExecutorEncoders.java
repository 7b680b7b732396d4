package io.embedspark.jobs.train;

import io.embedspark.gradcache.ManualBackprop;
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

  private record Replica(String run, ManualBackprop encoder, long[] version) {}

  private ExecutorEncoders() {}

  static ManualBackprop get(String run, EncoderConfig config, DataType dtype, boolean dropout,
      Broadcast<ParameterSnapshot> parameters) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      NativeThreads.configure(task.cpus());
    }
    Replica r = REPLICA.get();
    if (r == null || !r.run().equals(run)) {
      r = new Replica(run, new ManualBackprop(config, dtype, dropout), new long[] {-1});
      REPLICA.set(r);
    }
    ParameterSnapshot p = parameters.value();
    if (r.version()[0] != p.version()) {
      p.loadInto(r.encoder());
      r.version()[0] = p.version();
    }
    return r.encoder();
  }
}
