package io.embedspark.gradcache;

import io.embedspark.model.DropoutSites;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderGraph;
import io.embedspark.model.ModelParameters;
import io.embedspark.model.ParameterNames;
import io.embedspark.tokenize.TokenBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reference for the gradient cache: the whole contrastive batch through the encoder and the
 * Matryoshka NCE loss in ONE SameDiff graph, differentiated by SameDiff directly. Written with
 * SameDiff ops only (stable log-sum-exp by hand, mask as a -1e9 bias), independently of the Java
 * loss the gradient cache uses.
 */
final class OneGraphReference {
  private OneGraphReference() {}

  /** The loss and dL/dtheta keyed by graph variable name. */
  record Result(double loss, Map<String, INDArray> gradients) {}

  static Result compute(EncoderConfig config, ModelParameters params, ContrastiveTokens batch,
      double temperature, List<Integer> dims, List<Double> weights, boolean dropout, long seed) {
    return compute(config, params, batch, temperature, dims, weights, dropout, seed,
        DataType.DOUBLE);
  }

  static Result compute(EncoderConfig config, ModelParameters params, ContrastiveTokens batch,
      double temperature, List<Integer> dims, List<Double> weights, boolean dropout, long seed,
      DataType dtype) {
    SameDiff sd = EncoderGraph.build(dropout ? config : config.withoutDropout(), dtype, true);
    params.copyInto(sd);
    SDVariable e = sd.getVariable(EncoderGraph.EMBEDDING);
    int b = batch.examples();
    int rows = batch.sequences().size();
    SDVariable total = null;
    for (int m = 0; m < dims.size(); m++) {
      SDVariable prefix = e.get(SDIndex.all(), SDIndex.interval(0, dims.get(m)));
      SDVariable unit = prefix.mul(sd.math.rsqrt(prefix.mul(prefix).sum(true, 1)));
      SDVariable q = unit.get(SDIndex.interval(0, b), SDIndex.all());
      SDVariable candidates = unit.get(SDIndex.interval(b, rows), SDIndex.all());
      SDVariable logits = sd.mmul(q, candidates, false, true, false).div(temperature)
          .add(sd.constant(maskBias(batch).castTo(dtype)));
      SDVariable max = logits.max(true, 1);
      SDVariable lse = max.add(sd.math.log(sd.math.exp(logits.sub(max)).sum(true, 1)));
      SDVariable positive = logits.mul(sd.constant(positiveSelector(batch).castTo(dtype)))
          .sum(true, 1);
      SDVariable lossAtDim = lse.sub(positive).mean();
      SDVariable weighted = lossAtDim.mul(weights.get(m));
      total = total == null ? weighted : total.add(weighted);
    }
    total.rename("reference_loss");
    sd.setLossVariables("reference_loss");
    List<String> names = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        names.add(v.name());
      }
    }
    TokenBatch tokens = batch.sequences();
    sd.getVariable(EncoderGraph.EMBEDDING_INPUT)
        .setArray(lookUp(params, tokens, config).castTo(dtype));
    Map<String, INDArray> ph = new HashMap<>(DropoutSites.masks(
        dropout ? config : config.withoutDropout(), dtype, tokens.size(), tokens.width(), seed));
    ph.put(EncoderGraph.ATTENTION_MASK, Nd4j.createFromArray(tokens.mask())
        .reshape(tokens.size(), tokens.width()).castTo(dtype));
    var out = sd.calculateGradientsAndOutputs(ph, List.of("reference_loss"), names);
    Map<String, INDArray> grads = new HashMap<>(out.getGradients());
    INDArray input = grads.remove(EncoderGraph.EMBEDDING_INPUT);
    grads.putAll(tableGradients(input, tokens, config));
    return new Result(out.getOutputs().get("reference_loss").getDouble(0), grads);
  }

  /** word + position + type-0 embeddings of every token, [N, T, H], by plain loops. */
  private static INDArray lookUp(ModelParameters p, TokenBatch t, EncoderConfig c) {
    int h = c.hiddenSize();
    double[][][] e = new double[t.size()][t.width()][h];
    float[] words = p.get(ParameterNames.WORD_EMBEDDINGS).values();
    float[] pos = p.get(ParameterNames.POSITION_EMBEDDINGS).values();
    float[] types = p.get(ParameterNames.TOKEN_TYPE_EMBEDDINGS).values();
    for (int i = 0; i < t.size(); i++) {
      for (int j = 0; j < t.width(); j++) {
        int id = t.ids()[i * t.width() + j];
        for (int k = 0; k < h; k++) {
          e[i][j][k] = (double) words[id * h + k] + pos[j * h + k] + types[k];
        }
      }
    }
    return Nd4j.createFromArray(e);
  }

  /** The input gradient summed per word id, position and type 0, by plain loops. */
  private static Map<String, INDArray> tableGradients(INDArray input, TokenBatch t,
      EncoderConfig c) {
    int h = c.hiddenSize();
    double[][] words = new double[c.vocabSize()][h];
    double[][] pos = new double[c.maxPositions()][h];
    double[][] types = new double[c.typeVocabSize()][h];
    for (int i = 0; i < t.size(); i++) {
      for (int j = 0; j < t.width(); j++) {
        int id = t.ids()[i * t.width() + j];
        for (int k = 0; k < h; k++) {
          double g = input.getDouble(i, j, k);
          words[id][k] += g;
          pos[j][k] += g;
          types[0][k] += g;
        }
      }
    }
    return Map.of(ParameterNames.WORD_EMBEDDINGS, Nd4j.createFromArray(words),
        ParameterNames.POSITION_EMBEDDINGS, Nd4j.createFromArray(pos),
        ParameterNames.TOKEN_TYPE_EMBEDDINGS, Nd4j.createFromArray(types));
  }

  /**
   * [B, B + negatives] additive bias over candidates (positives, then every negative): 0 where
   * example i may use the candidate, -1e9 where the duplicate mask or ownership forbids it.
   */
  private static INDArray maskBias(ContrastiveTokens batch) {
    int b = batch.examples();
    int negatives = batch.sequences().size() - 2 * b;
    double[][] bias = new double[b][b + negatives];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < b; j++) {
        boolean dup = i != j && (batch.queryKeys()[i] == batch.queryKeys()[j]
            || batch.positiveKeys()[i] == batch.positiveKeys()[j]);
        bias[i][j] = dup ? -1e9 : 0;
      }
      java.util.Arrays.fill(bias[i], b, b + negatives, -1e9);
    }
    int next = b;
    for (int i = 0; i < b; i++) {
      for (int k = 0; k < batch.negativeCounts()[i]; k++) {
        bias[i][next++] = 0;
      }
    }
    return Nd4j.createFromArray(bias);
  }

  private static INDArray positiveSelector(ContrastiveTokens batch) {
    int b = batch.examples();
    int width = batch.sequences().size() - b;
    double[][] s = new double[b][width];
    for (int i = 0; i < b; i++) {
      s[i][i] = 1;
    }
    return Nd4j.createFromArray(s);
  }
}
