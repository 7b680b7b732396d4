package io.embedspark.jobs.eval;

import io.embedspark.embed.BucketedEmbedder;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.eval.tasks.TextEmbedder;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.ExecutorModels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Embeds a task's texts on the executors (the broadcast bundle, one model per executor JVM,
 * length-bucketed batches per partition) and brings the vectors back to the driver in input
 * order; for the non-retrieval tasks, whose texts fit on the driver.
 */
final class SparkTextEmbedder implements TextEmbedder {
  private final JavaSparkContext jsc;
  private final Broadcast<BundleFiles> bundle;
  private final InferenceEngine engine;

  SparkTextEmbedder(JavaSparkContext jsc, Broadcast<BundleFiles> bundle, InferenceEngine engine) {
    this.jsc = jsc;
    this.bundle = bundle;
    this.engine = engine;
  }

  @Override
  public float[][] embed(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    // At least a slice per core, and about 2,000 texts per slice at most (task size).
    int slices = Math.max(Math.max(1, Math.min(jsc.defaultParallelism(),
        (texts.size() + 63) / 64)), (texts.size() + 1_999) / 2_000);
    List<float[]> out = jsc.parallelize(texts, slices).mapPartitions(new EmbedPartition(bundle, engine))
        .collect();
    return out.toArray(new float[0][]);
  }

  /** Embeds one partition's texts, in order. */
  private record EmbedPartition(Broadcast<BundleFiles> bundle, InferenceEngine engine)
      implements FlatMapFunction<Iterator<String>, float[]> {
    @Override
    public Iterator<float[]> call(Iterator<String> texts) {
      List<String> list = new ArrayList<>();
      texts.forEachRemaining(list::add);
      if (list.isEmpty()) {
        return List.<float[]>of().iterator();
      }
      BucketedEmbedder embedder = new BucketedEmbedder(
          ExecutorModels.get(bundle.value()).tokenizer(),
          ExecutorModels.encoder(bundle.value(), engine), BucketedEmbedder.DEFAULT_TOKEN_BUDGET,
          BucketedEmbedder.DEFAULT_MAX_ROWS);
      return List.of(embedder.embed(list).embeddings()).iterator();
    }
  }
}
