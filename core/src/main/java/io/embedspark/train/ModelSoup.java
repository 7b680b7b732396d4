package io.embedspark.train;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.Provenance;
import io.embedspark.model.ModelParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model soup (Wortsman et al. 2022, "Model soups", arXiv 2203.05482), as Gemini Embedding uses
 * to combine checkpoints of several runs: the element-wise mean of the parameters of bundles that
 * share one architecture and tokenizer. The mean is taken in double precision.
 */
public final class ModelSoup {
  private ModelSoup() {}

  /**
   * The uniform soup of {@code ingredients}, with {@code names} (for messages and provenance).
   *
   * @throws InvalidInputException naming the first ingredient whose config or tokenizer differs
   */
  public static CheckpointBundle uniform(List<CheckpointBundle> ingredients, List<String> names) {
    if (ingredients.isEmpty()) {
      throw new InvalidInputException("a soup needs at least one ingredient");
    }
    CheckpointBundle first = ingredients.get(0);
    for (int i = 1; i < ingredients.size(); i++) {
      CheckpointBundle b = ingredients.get(i);
      if (!b.config().equals(first.config())) {
        throw new InvalidInputException(names.get(i) + " has a different model config than "
            + names.get(0) + "; only models of one architecture can be averaged");
      }
      if (!b.tokenizerJson().equals(first.tokenizerJson())) {
        throw new InvalidInputException(names.get(i) + " has a different tokenizer than "
            + names.get(0));
      }
    }
    Map<String, FloatTensor> mean = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : first.parameters().tensors().entrySet()) {
      double[] sum = new double[e.getValue().values().length];
      for (CheckpointBundle b : ingredients) {
        float[] v = b.parameters().get(e.getKey()).values();
        for (int i = 0; i < sum.length; i++) {
          sum[i] += v[i];
        }
      }
      float[] out = new float[sum.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (sum[i] / ingredients.size());
      }
      mean.put(e.getKey(), new FloatTensor(e.getValue().shape(), out));
    }
    List<String> data = new ArrayList<>();
    for (CheckpointBundle b : ingredients) {
      data.addAll(b.provenance().data());
    }
    return first.with(ModelParameters.of(mean, first.config().model(), "soup"),
        Provenance.now("soup:uniform of " + String.join(", ", names),
            data.stream().distinct().toList(), first.provenance().seed(), null, null));
  }
}
