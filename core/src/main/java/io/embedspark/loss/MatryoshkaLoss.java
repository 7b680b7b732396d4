package io.embedspark.loss;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Matryoshka representation learning (Kusupati et al. 2022, arXiv 2205.13147) around another loss:
 * the inner loss is applied to each nested prefix of the embeddings (re-normalised) and the
 * results are summed with weights, so one model serves every prefix size. Wraps the loss; never
 * changes the model.
 */
public final class MatryoshkaLoss {
  private final GeminiNceLoss inner;
  private final List<Integer> dims;
  private final List<Double> weights;

  /** What one evaluation gives: the weighted total and its parts. */
  public record Result(LossResult total, List<Double> perDim) {}

  public MatryoshkaLoss(GeminiNceLoss inner, List<Integer> dims, List<Double> weights) {
    if (dims.isEmpty() || dims.size() != weights.size()) {
      throw new InvalidInputException("loss.matryoshkaDims " + dims + " and loss.matryoshkaWeights "
          + weights + " must be non-empty and of equal length");
    }
    this.inner = inner;
    this.dims = List.copyOf(dims);
    this.weights = List.copyOf(weights);
  }

  public List<Integer> dims() {
    return dims;
  }

  public Result compute(ContrastiveBatch batch) {
    int b = batch.size();
    int width = batch.width();
    double[][] gq = new double[b][width];
    double[][] gp = new double[b][width];
    double[][][] gn = new double[b][][];
    for (int i = 0; i < b; i++) {
      gn[i] = new double[batch.negatives()[i].length][width];
    }
    double total = 0;
    List<Double> perDim = new ArrayList<>();
    for (int m = 0; m < dims.size(); m++) {
      double w = weights.get(m);
      LossResult r = inner.compute(batch, dims.get(m));
      perDim.add(r.loss());
      total += w * r.loss();
      accumulate(w, r.gradQueries(), gq);
      accumulate(w, r.gradPositives(), gp);
      for (int i = 0; i < b; i++) {
        accumulate(w, r.gradNegatives()[i], gn[i]);
      }
    }
    return new Result(new LossResult(total, gq, gp, gn), perDim);
  }

  private static void accumulate(double w, double[][] from, double[][] into) {
    for (int i = 0; i < from.length; i++) {
      GeminiNceLoss.axpy(w, from[i], into[i]);
    }
  }
}
