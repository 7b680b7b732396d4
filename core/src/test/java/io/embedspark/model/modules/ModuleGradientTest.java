package io.embedspark.model.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.io.FloatTensor;
import io.embedspark.model.DropoutSites;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.Pooling;
import io.embedspark.model.ScratchBuffers;
import io.embedspark.testing.TestWeights;
import io.embedspark.tokenize.TokenBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each module alone, in double precision: its hand-derived backward pass against SameDiff's
 * automatic gradients of its own definition (every parameter gradient and dL/d(input), with
 * dropout on), and its inference pass against its training forward pass (dropout off). Negative
 * control: a gradient from another chunk's dropout masks is far off.
 */
class ModuleGradientTest {
  private static final DataType D = DataType.DOUBLE;
  private static final double TOLERANCE = 1e-10;
  private static final int[] LENGTHS = {5, 2, 7};
  private static final int WIDTH = 7;

  static Stream<Arguments> modules() {
    List<Arguments> cases = new ArrayList<>();
    for (Pooling pooling : Pooling.values()) {
      EncoderConfig c = config(pooling);
      for (EncoderModule m : EncoderModules.of(c)) {
        if (pooling == Pooling.CLS && !(m instanceof TokenPooling)) {
          continue; // only pooling depends on the mode
        }
        cases.add(Arguments.of(m.spec().toString(), c, m));
      }
    }
    EncoderConfig roberta = new EncoderConfig(30, 16, 2, 4, 24, 10, 1, 1e-5, 0.2, 0.25, 6,
        List.of(3, 6), Pooling.MEAN, 2);
    TokenEmbeddings shifted = new TokenEmbeddings(roberta);
    cases.add(Arguments.of(shifted.spec().toString(), roberta, shifted));
    return cases.stream();
  }

  private static EncoderConfig config(Pooling pooling) {
    return new EncoderConfig(30, 16, 2, 4, 24, 8, 2, 1e-12, 0.2, 0.25, 6, List.of(3, 6), pooling);
  }

  /** Every tensor redrawn, layer-norm gains around 1, so no gradient is trivially zero. */
  private static ModelParameters parameters(EncoderConfig c) {
    ModelParameters spread = TestWeights.spread(ModelParameters.initialise(c, 1), c, 0.4, 2);
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    SplittableRandom r = new SplittableRandom(3);
    for (Map.Entry<String, FloatTensor> e : spread.tensors().entrySet()) {
      float[] v = e.getValue().values().clone();
      if (e.getKey().contains("LayerNorm")) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (e.getKey().endsWith("weight") ? 1 + r.nextGaussian(0, 0.2)
              : r.nextGaussian(0, 0.2));
        }
      }
      t.put(e.getKey(), new FloatTensor(e.getValue().shape(), v));
    }
    return ModelParameters.of(t, c, "test");
  }

  private static TokenBatch chunk(EncoderConfig c) {
    SplittableRandom r = new SplittableRandom(4);
    int[] ids = new int[LENGTHS.length * WIDTH];
    for (int row = 0; row < LENGTHS.length; row++) {
      for (int j = 0; j < LENGTHS[row]; j++) {
        ids[row * WIDTH + j] = 1 + r.nextInt(c.vocabSize() - 1);
      }
    }
    return new TokenBatch(LENGTHS.length, WIDTH, ids, LENGTHS.clone(), new boolean[LENGTHS.length]);
  }

  /** The module's input: token rows for layers and pooling, pooled rows after. */
  private static INDArray input(EncoderModule m, EncoderConfig c) {
    Nd4j.getRandom().setSeed(6);
    long n = LENGTHS.length;
    if (m instanceof TokenEmbeddings) {
      return null;
    }
    if (m instanceof TransformerLayer || m instanceof TokenPooling) {
      return Nd4j.randn(D, n * WIDTH, c.hiddenSize());
    }
    return Nd4j.randn(D, n, m instanceof Projection ? c.hiddenSize() : c.outputDim());
  }

  private static long outputWidth(EncoderModule m, EncoderConfig c) {
    if (m instanceof TokenEmbeddings || m instanceof TransformerLayer) {
      return c.hiddenSize();
    }
    return m instanceof TokenPooling ? c.hiddenSize() : c.outputDim();
  }

  private static final class ManualResult {
    INDArray output;
    INDArray dInput;
    final Map<String, INDArray> gradients = new HashMap<>();
  }

  private static ManualResult manual(EncoderModule m, EncoderConfig c, TokenBatch chunk,
      INDArray x, INDArray dOut, long seed) {
    Weights w = Weights.of(parameters(c), D);
    TrainingPass pass = new TrainingPass(c, c, w, new ScratchBuffers(D), chunk, seed);
    ManualResult r = new ManualResult();
    INDArray in = x == null ? null : x.dup();
    INDArray out = m.forward(pass, in);
    r.output = out.dup();
    pass.gradientsInto(r.gradients);
    INDArray dx = m.backward(pass, new EncoderModule.Activations(in, out), dOut.dup());
    r.dInput = dx == null ? null : dx.dup();
    return r;
  }

  private static final String INPUT = "module_input";
  private static final String OUTPUT_GRAD = "output_grad";

  /** SameDiff's output and gradients of sum(output * dOut) for the module alone. */
  private static Map<String, INDArray> autodiff(EncoderModule m, EncoderConfig c,
      TokenBatch chunk, INDArray x, INDArray dOut, long seed) {
    SameDiff sd = SameDiff.create();
    GraphBuilder g = new GraphBuilder(sd, c, D, true);
    SDVariable in = x == null ? null : sd.var(INPUT, x.dup());
    SDVariable out = m.define(g, in);
    out.rename("module_output");
    out.mul(sd.placeHolder(OUTPUT_GRAD, D, -1, dOut.columns())).sum().rename("objective");
    sd.setLossVariables("objective");
    ModelParameters params = parameters(c);
    params.copyInto(sd);
    Map<String, INDArray> placeholders = new HashMap<>();
    DropoutSites.masks(c, D, chunk.size(), chunk.width(), seed).forEach((site, mask) -> {
      if (sd.hasVariable(site)) {
        placeholders.put(site, mask);
      }
    });
    placeholders.put(GraphBuilder.ATTENTION_MASK,
        Nd4j.createFromArray(chunk.mask()).reshape(chunk.size(), chunk.width()).castTo(D));
    placeholders.put(OUTPUT_GRAD, dOut);
    if (m instanceof TokenEmbeddings) {
      Weights w = Weights.of(params, D);
      INDArray sum = Nd4j.pullRows(w.get(io.embedspark.model.ParameterNames.WORD_EMBEDDINGS), 1,
          chunk.ids());
      sum.addi(Nd4j.pullRows(w.get(io.embedspark.model.ParameterNames.POSITION_EMBEDDINGS), 1,
          TokenEmbeddings.positionIds(c, chunk)));
      sum.addiRowVector(w.get(io.embedspark.model.ParameterNames.TOKEN_TYPE_EMBEDDINGS)
          .getRow(0));
      sd.getVariable(TokenEmbeddings.EMBEDDING_INPUT)
          .setArray(sum.reshape(chunk.size(), chunk.width(), c.hiddenSize()));
    }
    List<String> variables = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        variables.add(v.name());
      }
    }
    java.io.PrintStream stdout = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    Map<String, INDArray> grads;
    INDArray output;
    try {
      var result = sd.calculateGradientsAndOutputs(placeholders, List.of("module_output"),
          variables);
      grads = new HashMap<>(result.getGradients());
      output = result.getOutputs().get("module_output");
    } finally {
      System.setOut(stdout);
    }
    grads.put("module_output", output);
    if (m instanceof TokenEmbeddings) {
      INDArray dSum = grads.remove(TokenEmbeddings.EMBEDDING_INPUT).reshape(-1, c.hiddenSize());
      grads.put(io.embedspark.model.ParameterNames.WORD_EMBEDDINGS,
          segmentSum(dSum, chunk.ids(), c.vocabSize()));
      grads.put(io.embedspark.model.ParameterNames.POSITION_EMBEDDINGS,
          segmentSum(dSum, TokenEmbeddings.positionIds(c, chunk), c.maxPositions()));
      grads.put(io.embedspark.model.ParameterNames.TOKEN_TYPE_EMBEDDINGS,
          segmentSum(dSum, new int[chunk.ids().length], c.typeVocabSize()));
    }
    return grads;
  }

  private static INDArray segmentSum(INDArray grad, int[] ids, int rows) {
    return Nd4j.exec(new UnsortedSegmentSum(grad, Nd4j.createFromArray(ids), rows))[0];
  }

  private static double maxDiff(INDArray a, INDArray b) {
    assertEquals(java.util.Arrays.toString(b.shape()), java.util.Arrays.toString(a.shape()));
    return a.sub(b).amaxNumber().doubleValue() / (b.amaxNumber().doubleValue() + 1e-12);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void backwardMatchesSameDiffAutodiff(String name, EncoderConfig c, EncoderModule m) {
    TokenBatch chunk = chunk(c);
    INDArray x = input(m, c);
    Nd4j.getRandom().setSeed(7);
    INDArray dOut = Nd4j.randn(D, m instanceof TokenEmbeddings || m instanceof TransformerLayer
        ? (long) chunk.size() * WIDTH : chunk.size(), outputWidth(m, c));
    ManualResult manual = manual(m, c, chunk, x, dOut, 11L);
    Map<String, INDArray> reference = autodiff(m, c, chunk, x, dOut, 11L);
    Map<String, INDArray> mine = new HashMap<>();
    Map<String, INDArray> theirs = new HashMap<>();
    mine.put("output", manual.output);
    theirs.put("output", reference.get("module_output"));
    for (String p : m.parameterNames()) {
      String graphName = ModelParameters.graphName(p);
      mine.put(graphName, manual.gradients.get(graphName));
      theirs.put(graphName, reference.get(graphName));
    }
    if (x != null) {
      mine.put(INPUT, manual.dInput);
      theirs.put(INPUT, reference.get(INPUT));
    }
    for (String k : theirs.keySet()) {
      assertEquals(java.util.Arrays.toString(theirs.get(k).shape()),
          java.util.Arrays.toString(mine.get(k).shape()), k);
    }
    // relative to each tensor's largest value plus 1e-4 of the largest anywhere: the key bias
    // gradient is zero in exact arithmetic, 1e-16 noise on both sides
    double worst = TestWeights.maxRelativeError(mine, theirs);
    System.out.printf("ModuleGradientTest: %s max relative diff vs SameDiff = %.2e%n", name,
        worst);
    assertTrue(worst < TOLERANCE, name + ": " + worst);
    if (!m.parameterNames().isEmpty() && c.hiddenDropout() > 0
        && !(m instanceof Projection)) {
      ManualResult otherMasks = manual(m, c, chunk, x, dOut, 12L);
      String p = ModelParameters.graphName(m.parameterNames().get(0));
      double control = maxDiff(otherMasks.gradients.get(p), reference.get(p));
      assertTrue(control > 1e-3, name + ": negative control, other dropout masks: " + control);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void inferenceMatchesTheTrainingForwardPass(String name, EncoderConfig c, EncoderModule m) {
    EncoderConfig noDropout = c.withoutDropout();
    TokenBatch chunk = chunk(c);
    INDArray x = input(m, c);
    ModelParameters params = parameters(c);
    Weights training = Weights.of(params, D);
    TrainingPass tp = new TrainingPass(c, noDropout, training, new ScratchBuffers(D), chunk, 1L);
    INDArray expected = m.forward(tp, x == null ? null : x.dup()).dup();
    Weights inference = Weights.of(params, D);
    m.prepareInference(inference);
    InferencePass ip = new InferencePass(c, inference, new ScratchBuffers(D), chunk);
    INDArray actual = m.infer(ip, x == null ? null : x.dup());
    if (m instanceof TransformerLayer || m instanceof TokenEmbeddings) {
      // padding rows differ only where no later module reads them; compare real tokens
      INDArray mask = Nd4j.createFromArray(chunk.mask()).castTo(D).reshape(-1, 1);
      expected = expected.mulColumnVector(mask);
      actual = actual.mulColumnVector(mask);
    }
    double diff = maxDiff(actual, expected);
    assertTrue(diff < 1e-12, name + ": inference vs training forward " + diff);
  }
}
