package io.embedspark.nd4j;

import java.lang.ref.Reference;
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
    try {
      return super.exec(op);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray exec(Op op, OpContext context) {
    try {
      return super.exec(op, context);
    } finally {
      Reference.reachabilityFence(op);
      Reference.reachabilityFence(context);
    }
  }

  @Override
  public INDArray exec(IndexAccumulation op) {
    try {
      return super.exec(op);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray exec(IndexAccumulation op, OpContext context) {
    try {
      return super.exec(op, context);
    } finally {
      Reference.reachabilityFence(op);
      Reference.reachabilityFence(context);
    }
  }

  @Override
  public INDArray exec(Variance op) {
    try {
      return super.exec(op);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray exec(ReduceOp op) {
    try {
      return super.exec(op);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray exec(ReduceOp op, OpContext context) {
    try {
      return super.exec(op, context);
    } finally {
      Reference.reachabilityFence(op);
      Reference.reachabilityFence(context);
    }
  }

  @Override
  public INDArray exec(ScalarOp op) {
    try {
      return super.exec(op);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray exec(ScalarOp op, OpContext context) {
    try {
      return super.exec(op, context);
    } finally {
      Reference.reachabilityFence(op);
      Reference.reachabilityFence(context);
    }
  }

  @Override
  public INDArray exec(BroadcastOp op) {
    try {
      return super.exec(op);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray exec(BroadcastOp op, OpContext context) {
    try {
      return super.exec(op, context);
    } finally {
      Reference.reachabilityFence(op);
      Reference.reachabilityFence(context);
    }
  }

  @Override
  public INDArray exec(RandomOp op) {
    try {
      return super.exec(op);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray exec(RandomOp op, Random rng) {
    try {
      return super.exec(op, rng);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray exec(RandomOp op, OpContext context, Random rng) {
    try {
      return super.exec(op, context, rng);
    } finally {
      Reference.reachabilityFence(op);
      Reference.reachabilityFence(context);
    }
  }

  @Override
  public INDArray[] exec(CustomOp op) {
    try {
      return super.exec(op);
    } finally {
      Reference.reachabilityFence(op);
    }
  }

  @Override
  public INDArray[] exec(CustomOp op, OpContext context) {
    try {
      return super.exec(op, context);
    } finally {
      Reference.reachabilityFence(op);
      Reference.reachabilityFence(context);
    }
  }
}
