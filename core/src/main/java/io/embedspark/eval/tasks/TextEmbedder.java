package io.embedspark.eval.tasks;

import java.util.List;

/**
 * Turns texts (prompts already applied) into unit-length embeddings at the model's full output
 * dimension, in input order. In core a {@link io.embedspark.embed.BucketedEmbedder}; in the eval
 * job a Spark stage over the executors.
 */
@FunctionalInterface
public interface TextEmbedder {
  float[][] embed(List<String> texts);
}
