package io.embedspark.jobs.recipe;

import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ModelSources;
import io.embedspark.io.ProjectionInit;
import io.embedspark.model.EncoderConfig;
import java.util.List;

/**
 * A pretrained model as the recipe's start: imported with an identity projection (the model's
 * own embedding space, so the zero-shot numbers are the model's), cut to its first layers if
 * asked, with the Matryoshka dims the recipe's loss trains (Kusupati et al. 2022, arXiv
 * 2205.13147).
 */
public final class PretrainedStart {
  private PretrainedStart() {}

  /**
   * @param model a named model, a bundle or a checkpoint directory ({@link ModelSources})
   * @param layers the first transformer layers to keep; 0 for all
   * @param maxLength tokens per text
   * @param matryoshkaDims ascending, ending with the model's width; empty for a quarter, a half
   *     and the whole width (when the width divides by 4)
   */
  public static CheckpointBundle open(String model, int layers, int maxLength,
      List<Integer> matryoshkaDims, long seed) {
    CheckpointBundle bundle = ModelSources.open(model, new ImportOptions(0, List.of(), maxLength,
        ProjectionInit.IDENTITY, seed));
    if (layers > 0) {
      bundle = bundle.withFirstLayers(layers);
    }
    EncoderConfig m = bundle.config().model();
    int d = m.outputDim();
    List<Integer> dims = !matryoshkaDims.isEmpty() ? matryoshkaDims
        : m.matryoshkaDims().size() == 1 && d % 4 == 0 ? List.of(d / 4, d / 2, d)
        : m.matryoshkaDims();
    if (dims.equals(m.matryoshkaDims())) {
      return bundle;
    }
    if (dims.get(dims.size() - 1) != d) {
      throw new io.embedspark.error.InvalidInputException("start.matryoshka_dims = " + dims
          + " must end with the model's width " + d);
    }
    return new CheckpointBundle(bundle.config().withModel(m.withOutput(d, dims)),
        bundle.parameters(), bundle.tokenizerJson(), bundle.provenance());
  }
}
