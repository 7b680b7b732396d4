package io.embedspark.model.modules;

import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.NativeThreads;
import io.embedspark.model.ScratchBuffers;
import io.embedspark.tokenize.TokenBatch;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The modules' inference passes in order, on ND4J operations that work in place on buffers
 * reused across calls. It computes what the SameDiff graph ({@link GraphPipeline}) computes,
 * tested against it and against PyTorch, about twice as fast, because a SameDiff graph gives
 * every op a fresh output array (see docs/BENCHMARKS.md).
 *
 * <p>Thread-safe: the weights are read-only once prepared and each thread has its own buffers.
 */
public final class InferencePipeline {
  private final EncoderConfig config;
  private final List<EncoderModule> modules;
  private final Weights weights;
  private final ThreadLocal<ScratchBuffers> scratch;

  /** What one pass produces: the pooled states [N, H] and the unit embeddings [N, outputDim]. */
  public record Output(INDArray pooled, INDArray embedding) {}

  public InferencePipeline(EncoderConfig config, ModelParameters parameters, DataType dtype) {
    this.config = config;
    this.modules = EncoderModules.of(config);
    this.weights = Weights.of(parameters, dtype);
    for (EncoderModule m : modules) {
      m.prepareInference(weights);
    }
    this.scratch = ThreadLocal.withInitial(() -> new ScratchBuffers(dtype));
  }

  /** Runs every module on a non-empty batch. */
  public Output run(TokenBatch batch) {
    NativeThreads.ensureConfigured();
    InferencePass pass = new InferencePass(config, weights, scratch.get(), batch);
    int pooling = EncoderModules.poolingIndex(config);
    INDArray x = null;
    INDArray pooled = null;
    for (int i = 0; i < modules.size(); i++) {
      x = modules.get(i).infer(pass, x);
      if (i == pooling) {
        pooled = x;
      }
    }
    return new Output(pooled, x);
  }
}
