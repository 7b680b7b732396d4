package io.embedspark.gradcache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.backprop.BackpropEngine;
import io.embedspark.backprop.TrainableEncoder;
import io.embedspark.tokenize.TokenBatch;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link GradientCacheTest} does not cover for the hand-derived backward pass: activations
 * kept from the embedding pass are not reused once a parameter may have changed, and float
 * precision stays close to double.
 */
class ManualBackpropTest {
  private static final ContrastiveTokens BATCH = GradientCacheTest.randomBatch(
      new int[] {1, 0, 2}, new long[] {0, 1, 2}, new long[] {3, 4, 5});

  private static Map<String, INDArray> gradients(TrainableEncoder encoder, TokenBatch chunk,
      INDArray grad, long seed) {
    Map<String, INDArray> sum = new HashMap<>();
    encoder.accumulateGradients(chunk, grad, seed, sum);
    return sum;
  }

  @Test
  void activationsKeptFromTheEmbeddingPassAreDroppedWhenAParameterMayChange() {
    TokenBatch chunk = BATCH.sequences();
    INDArray grad = Nd4j.rand(DataType.DOUBLE, chunk.size(), 8).subi(0.5);
    TrainableEncoder changed = GradientCacheTest.encoder("manual", true);
    changed.embed(chunk, 3L);
    changed.array("encoder.layer.0.attention.self.query.kernel").muli(2.0);
    TrainableEncoder fresh = GradientCacheTest.encoder("manual", true);
    fresh.array("encoder.layer.0.attention.self.query.kernel").muli(2.0);
    double err = GradientCacheTest.maxRelativeError(gradients(changed, chunk, grad, 3L),
        gradients(fresh, chunk, grad, 3L));
    assertTrue(err < 1e-12, "recomputed with the changed parameter: " + err);

    TrainableEncoder reused = GradientCacheTest.encoder("manual", true);
    reused.embed(chunk, 3L);
    double control = GradientCacheTest.maxRelativeError(gradients(reused, chunk, grad, 3L),
        gradients(fresh, chunk, grad, 3L));
    assertTrue(control > 1e-3, "negative control: the unchanged parameter differs: " + control);
  }

  /** Float rounding of the hand-derived pass is no worse than that of SameDiff's float graph. */
  @Test
  void floatGradientsAreAsCloseToDoubleAsSameDiffs() {
    TokenBatch chunk = BATCH.sequences();
    INDArray grad = Nd4j.rand(DataType.DOUBLE, chunk.size(), 8).subi(0.5);
    Map<String, INDArray> exact = gradients(GradientCacheTest.encoder("manual", false), chunk,
        grad, 5L);
    double manual = GradientCacheTest.maxRelativeError(
        gradients(floatEncoder(BackpropEngine.MANUAL), chunk, grad, 5L), exact);
    double samediff = GradientCacheTest.maxRelativeError(
        gradients(floatEncoder(BackpropEngine.SAMEDIFF), chunk, grad, 5L), exact);
    System.out.printf("float vs double gradients: manual %.2e, SameDiff %.2e%n", manual,
        samediff);
    assertTrue(manual < Math.max(1e-5, 2 * samediff), manual + " vs SameDiff " + samediff);
  }

  private static TrainableEncoder floatEncoder(BackpropEngine engine) {
    TrainableEncoder e = engine.create(GradientCacheTest.CONFIG, DataType.FLOAT, false);
    e.load(GradientCacheTest.PARAMS);
    return e;
  }

  /** The whole CLS-pooled encoder, with dropout: hand-derived gradients equal SameDiff's. */
  @Test
  void clsPooledEncoderGradientsEqualSameDiffs() {
    io.embedspark.model.EncoderConfig cls = GradientCacheTest.CONFIG.withPooling(
        io.embedspark.model.Pooling.CLS);
    TokenBatch chunk = BATCH.sequences();
    INDArray grad = Nd4j.rand(DataType.DOUBLE, chunk.size(), 8).subi(0.5);
    Map<String, INDArray> manual = gradients(encoderOf(BackpropEngine.MANUAL, cls), chunk,
        grad, 9L);
    Map<String, INDArray> samediff = gradients(encoderOf(BackpropEngine.SAMEDIFF, cls), chunk,
        grad, 9L);
    double err = GradientCacheTest.maxRelativeError(manual, samediff);
    assertTrue(err < 1e-9, "CLS pooling, manual vs SameDiff: " + err);
    Map<String, INDArray> mean = gradients(encoderOf(BackpropEngine.MANUAL,
        GradientCacheTest.CONFIG), chunk, grad, 9L);
    double control = GradientCacheTest.maxRelativeError(mean, samediff);
    assertTrue(control > 1e-3, "negative control: mean pooling's gradients differ: " + control);
  }

  private static TrainableEncoder encoderOf(BackpropEngine engine,
      io.embedspark.model.EncoderConfig config) {
    TrainableEncoder e = engine.create(config, DataType.DOUBLE, true);
    e.load(GradientCacheTest.PARAMS);
    return e;
  }

  /** Positions after a padding index (RoBERTa): hand-derived gradients equal SameDiff's. */
  @Test
  void shiftedPositionGradientsEqualSameDiffs() {
    io.embedspark.model.EncoderConfig c = GradientCacheTest.CONFIG;
    io.embedspark.model.EncoderConfig shifted = new io.embedspark.model.EncoderConfig(
        c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.intermediateSize(),
        c.maxPositions(), c.typeVocabSize(), c.layerNormEps(), c.hiddenDropout(),
        c.attentionDropout(), c.outputDim(), c.matryoshkaDims(), io.embedspark.model.Pooling.MEAN,
        2);
    TokenBatch chunk = BATCH.sequences();
    INDArray grad = Nd4j.rand(DataType.DOUBLE, chunk.size(), 8).subi(0.5);
    Map<String, INDArray> manual = gradients(encoderOf(BackpropEngine.MANUAL, shifted), chunk,
        grad, 9L);
    Map<String, INDArray> samediff = gradients(encoderOf(BackpropEngine.SAMEDIFF, shifted),
        chunk, grad, 9L);
    double err = GradientCacheTest.maxRelativeError(manual, samediff);
    assertTrue(err < 1e-9, "positions from 2, manual vs SameDiff: " + err);
    double control = GradientCacheTest.maxRelativeError(gradients(encoderOf(
        BackpropEngine.MANUAL, c), chunk, grad, 9L), samediff);
    assertTrue(control > 1e-3, "negative control: positions from 0 differ: " + control);
  }
}
