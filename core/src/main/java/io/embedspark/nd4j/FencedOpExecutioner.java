package io.embedspark.nd4j;

import java.lang.ref.Reference;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.IndexAccumulation;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.RandomOp;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.summarystats.Variance;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;

/**
 * ND4J's CPU executioner, with each op kept reachable until its native call has returned.
 *
 * <p>An op owns arrays its caller never sees: the dimensions of a row-vector or reduction op,
 * the scalar of a scalar op, extra arguments, the copy of an operand it was given twice. ND4J
 * 1.0.0-M2.1 hands their native buffers to the native call and then no longer uses the op, so a
 * garbage collection during the call may find the op unreachable, and ND4J's deallocator thread
 * frees those buffers while the native code reads them. The process then dies with SIGSEGV in
 * {@code sd::DataBuffer::primary()} under {@code execBroadcast} or another op, rarely, at a
 * moment that depends on the collector's timing. {@link Reference#reachabilityFence} after each
 * call closes that window. Installed by {@link OpFence}; CPU only, excluded from the CUDA build.
 */
public class FencedOpExecutioner extends NativeOpExecutioner {

  @Override
  public INDArray exec(Op op) {
    return fenced(op, null, () -> super.exec(op));
  }

  @Override
  public INDArray exec(Op op, OpContext context) {
    return fenced(op, context, () -> super.exec(op, context));
  }

  @Override
  public INDArray exec(IndexAccumulation op) {
    return fenced(op, null, () -> super.exec(op));
  }

  @Override
  public INDArray exec(IndexAccumulation op, OpContext context) {
    return fenced(op, context, () -> super.exec(op, context));
  }

  @Override
  public INDArray exec(Variance op) {
    return fenced(op, null, () -> super.exec(op));
  }

  @Override
  public INDArray exec(ReduceOp op) {
    return fenced(op, null, () -> super.exec(op));
  }

  @Override
  public INDArray exec(ReduceOp op, OpContext context) {
    return fenced(op, context, () -> super.exec(op, context));
  }

  @Override
  public INDArray exec(ScalarOp op) {
    return fenced(op, null, () -> super.exec(op));
  }

  @Override
  public INDArray exec(ScalarOp op, OpContext context) {
    return fenced(op, context, () -> super.exec(op, context));
  }

  @Override
  public INDArray exec(BroadcastOp op) {
    return fenced(op, null, () -> super.exec(op));
  }

  @Override
  public INDArray exec(BroadcastOp op, OpContext context) {
    return fenced(op, context, () -> super.exec(op, context));
  }

  @Override
  public INDArray exec(RandomOp op) {
    return fenced(op, null, () -> super.exec(op));
  }

  @Override
  public INDArray exec(RandomOp op, Random rng) {
    return fenced(op, null, () -> super.exec(op, rng));
  }

  @Override
  public INDArray exec(RandomOp op, OpContext context, Random rng) {
    return fenced(op, context, () -> super.exec(op, context, rng));
  }

  @Override
  public INDArray[] exec(CustomOp op) {
    return fenced(op, null, () -> super.exec(op));
  }

  @Override
  public INDArray[] exec(CustomOp op, OpContext context) {
    return fenced(op, context, () -> super.exec(op, context));
  }

  /** Runs {@code call}, keeping {@code op} and {@code context} reachable until it returns. */
  private static <T> T fenced(Object op, Object context, Supplier<T> call) {
    try {
      return call.get();
    } finally {
      Reference.reachabilityFence(op);
      Reference.reachabilityFence(context);
    }
  }
}
