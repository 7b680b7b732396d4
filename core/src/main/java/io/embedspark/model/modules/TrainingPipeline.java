package io.embedspark.model.modules;

import io.embedspark.model.EncoderConfig;
import io.embedspark.model.NativeThreads;
import io.embedspark.model.ScratchBuffers;
import io.embedspark.tokenize.TokenBatch;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The modules' training forward passes in order, then their backward passes in reverse, on
 * buffers reused across chunks and steps: memory grows with the chunk, not the batch. Tested
 * against SameDiff's automatic gradients of {@link GraphPipeline}, module by module and whole.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class TrainingPipeline {
  private final EncoderConfig config;
  private final EncoderConfig dropoutConfig;
  private final List<EncoderModule> modules;
  private final ScratchBuffers buffers;
  private final EncoderModule.Activations[] io;
  private TrainingPass pass;

  /** @param dropout whether to drop units at the config's rates */
  public TrainingPipeline(EncoderConfig config, DataType dtype, boolean dropout) {
    this.config = config;
    this.dropoutConfig = dropout ? config : config.withoutDropout();
    this.modules = EncoderModules.of(config);
    this.buffers = new ScratchBuffers(dtype);
    this.io = new EncoderModule.Activations[modules.size()];
  }

  /**
   * Runs every module's forward pass on a chunk with the dropout masks drawn from {@code seed},
   * keeping activations; returns the unit embeddings [N, outputDim], a view of a buffer the next
   * pass overwrites.
   */
  public INDArray forward(Weights weights, TokenBatch chunk, long seed) {
    NativeThreads.ensureConfigured();
    pass = new TrainingPass(config, dropoutConfig, weights, buffers, chunk, seed);
    INDArray x = null;
    for (int i = 0; i < modules.size(); i++) {
      INDArray out = modules.get(i).forward(pass, x);
      io[i] = new EncoderModule.Activations(x, out);
      x = out;
    }
    return x;
  }

  /** Frees the buffers (allocated again by the next pass) and the kept activations with them. */
  public void freeBuffers() {
    pass = null;
    java.util.Arrays.fill(io, null);
    buffers.close();
  }

  /**
   * Back-propagates dL/dE of the last {@link #forward}'s rows and adds the chunk's dL/dtheta to
   * {@code sums}, keyed by graph name and created as zeros when missing.
   */
  public void backward(INDArray embeddingGrad, Map<String, INDArray> sums) {
    pass.gradientsInto(sums);
    INDArray d = embeddingGrad;
    for (int i = modules.size() - 1; i >= 0; i--) {
      d = modules.get(i).backward(pass, io[i], d);
    }
  }
}
