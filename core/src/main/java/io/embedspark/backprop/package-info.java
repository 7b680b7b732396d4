/**
 * The encoder as training drives it: embed a chunk, then back-propagate cached embedding
 * gradients into parameter gradients. {@link io.embedspark.backprop.ManualBackprop} runs the
 * modules' hand-derived backward passes; {@link io.embedspark.backprop.TrainingGraph} runs
 * SameDiff's automatic differentiation of the same modules, the reference it is tested against.
 */
package io.embedspark.backprop;
