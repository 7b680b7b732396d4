package io.embedspark.train;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of a training run on one machine.
 *
 * @param steps optimiser steps in the whole run
 * @param globalBatchSize examples per contrastive batch (the in-batch negatives of a query)
 * @param chunkSize sequences per gradient-cache forward pass; bounds memory
 * @param learningRate peak learning rate
 * @param warmupSteps linear warmup steps
 * @param finalLearningRateFraction fraction of the peak left at the last step
 * @param weightDecay AdamW's decoupled weight decay
 * @param maxGradNorm global-norm clipping threshold, 0 for none
 * @param temperature the NCE temperature tau
 * @param matryoshkaWeights weight of each Matryoshka dim of the model, in order
 * @param dropout whether to apply the model's dropout
 * @param checkpointEvery save a checkpoint every this many steps (and at the end)
 * @param seed seed of the batch order and the dropout masks
 * @param duplicateMask whether the loss leaves an example's duplicates (equal query or equal
 *     positive text) out of its in-batch negatives, the mask of Gemini Embedding (Lee et al.
 *     2025); off only to measure what the mask does
 */
public record TrainerConfig(int steps, int globalBatchSize, int chunkSize, double learningRate,
    int warmupSteps, double finalLearningRateFraction, double weightDecay, double maxGradNorm,
    double temperature, List<Double> matryoshkaWeights, boolean dropout, int checkpointEvery,
    long seed, boolean duplicateMask) implements java.io.Serializable {

  /** Settings with the duplicate mask on, as the recipe trains. */
  public TrainerConfig(int steps, int globalBatchSize, int chunkSize, double learningRate,
      int warmupSteps, double finalLearningRateFraction, double weightDecay, double maxGradNorm,
      double temperature, List<Double> matryoshkaWeights, boolean dropout, int checkpointEvery,
      long seed) {
    this(steps, globalBatchSize, chunkSize, learningRate, warmupSteps, finalLearningRateFraction,
        weightDecay, maxGradNorm, temperature, matryoshkaWeights, dropout, checkpointEvery, seed,
        true);
  }

  public TrainerConfig {
    matryoshkaWeights = List.copyOf(matryoshkaWeights);
    List<String> p = new ArrayList<>();
    if (steps <= 0) {
      p.add("train.steps = " + steps + " must be positive");
    }
    if (globalBatchSize < 2) {
      p.add("train.global_batch_size = " + globalBatchSize + " must be at least 2");
    }
    if (chunkSize <= 0) {
      p.add("train.chunk_size = " + chunkSize + " must be positive");
    }
    if (checkpointEvery <= 0) {
      p.add("train.checkpoint_every = " + checkpointEvery + " must be positive");
    }
    if (warmupSteps < 0 || warmupSteps > steps) {
      p.add("train.warmup_steps = " + warmupSteps + " must be in 0.." + steps);
    }
    if (!(learningRate > 0 && Double.isFinite(learningRate))) {
      p.add("train.learning_rate = " + learningRate + " must be positive");
    }
    if (!(finalLearningRateFraction >= 0 && finalLearningRateFraction <= 1)) {
      p.add("train.final_learning_rate_fraction = " + finalLearningRateFraction
          + " must be in [0, 1]");
    }
    if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
      p.add("train.weight_decay = " + weightDecay + " must be 0 or positive");
    }
    if (!(maxGradNorm >= 0 && Double.isFinite(maxGradNorm))) {
      p.add("train.max_grad_norm = " + maxGradNorm + " must be 0 (no clipping) or positive");
    }
    if (!(temperature > 0 && Double.isFinite(temperature))) {
      p.add("train.temperature = " + temperature + " must be positive");
    }
    for (int i = 0; i < matryoshkaWeights.size(); i++) {
      Double w = matryoshkaWeights.get(i);
      if (w == null || !(w >= 0 && Double.isFinite(w))) {
        p.add("train.matryoshka_weights[" + i + "] = " + w + " must be 0 or positive");
      }
    }
    if (!p.isEmpty()) {
      throw new InvalidInputException(String.join("; ", p));
    }
  }
}
