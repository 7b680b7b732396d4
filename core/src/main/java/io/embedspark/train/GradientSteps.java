package io.embedspark.train;

import io.embedspark.data.TrainingExample;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.gradcache.GradientStep;
import io.embedspark.optim.GradientClipping;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One global-batch step per round: the contrastive batch of the step, its gradients computed by
 * a {@link GradientStep} (the gradient cache on this machine, or spread over Spark executors with
 * the same chunks and seeds, so the same numbers), clipping, and an AdamW step at the schedule's
 * rate.
 */
public final class GradientSteps implements TrainingStrategy {
  private final ContrastiveTrainer.StepFactory factory;
  private final String origin;
  private Context c;
  private GradientStep step;

  /**
   * @param factory makes the step computation, given the driver's encoder and the loss
   * @param origin recorded in checkpoints' provenance
   */
  public GradientSteps(ContrastiveTrainer.StepFactory factory, String origin) {
    this.factory = factory;
    this.origin = origin;
  }

  @Override
  public void start(Context context) {
    this.c = context;
    this.step = factory.create(context.encoder(),
        ContrastiveTrainer.loss(context.config(), context.encoder().config()),
        context.config().chunkSize());
  }

  @Override
  public Round advance(long done, long end) {
    long n = done + 1;
    List<TrainingExample> batch = c.batches().batch(n);
    ContrastiveTokens tokens = c.batcher().tokens(batch);
    ContrastiveTrainer.unlearnable("step " + n, tokens, batch).ifPresent(c.progress());
    step.beginStep(n);
    GradientStep.Step s = step.step(tokens, ContrastiveTrainer.dropoutSeed(c.config(), n));
    double lr = c.schedule().at(n);
    double norm = GradientClipping.clip(s.gradients(), c.config().maxGradNorm());
    Round round = new Round(n, n, s.loss().total().loss(), s.loss().perDim(), norm, lr,
        batch.size(), tokens.sequences().realTokens(), false, "batch ids "
        + batch.stream().map(TrainingExample::id).collect(Collectors.toList()));
    if (round.finite()) {
      c.optimizer().update(c.encoder()::array, s.gradients(), lr);
    }
    return round;
  }

  @Override
  public String origin() {
    return origin;
  }
}
