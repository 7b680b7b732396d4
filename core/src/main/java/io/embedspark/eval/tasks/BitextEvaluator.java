package io.embedspark.eval.tasks;

import io.embedspark.data.PromptTemplate;
import io.embedspark.eval.BitextMining;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bitext mining: each source matched to its nearest target; F1 and accuracy (MTEB), and each
 * source's share of the F1 as its per-item value.
 */
public final class BitextEvaluator implements Evaluator<BitextTask> {
  @Override
  public TaskType type() {
    return TaskType.BITEXT;
  }

  @Override
  public Map<String, Double> evaluate(BitextTask b, PromptTemplate p, EvaluationContext c) {
    Map<String, Double> out = new LinkedHashMap<>();
    float[][] s = c.embed(b.sources(), p);
    float[][] t = c.embed(b.targets(), p);
    String[] keys = new String[s.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = b.itemKey(i);
    }
    for (int d : c.dims()) {
      int[] predicted = BitextMining.match(EvaluationContext.truncate(s, d),
          EvaluationContext.truncate(t, d));
      String f1 = ReportKeys.of(b.name(), "f1", d);
      double[] shares = BitextMining.f1Shares(predicted);
      out.put(f1, BitextMining.f1(shares));
      Map<String, Double> bySource = new LinkedHashMap<>();
      for (int i = 0; i < shares.length; i++) {
        bySource.put(keys[i], shares[i]);
      }
      c.items().record(f1, bySource);
      out.put(ReportKeys.of(b.name(), "accuracy", d), BitextMining.accuracy(predicted));
    }
    return out;
  }
}
