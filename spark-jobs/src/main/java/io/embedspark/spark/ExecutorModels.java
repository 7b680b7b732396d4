package io.embedspark.spark;

import io.embedspark.io.CheckpointBundle;
import io.embedspark.model.EmbeddingModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One inference model per bundle per executor JVM, built on first use from the broadcast bundle
 * and shared by every task that runs there (SameDiff inference is thread-safe).
 */
public final class ExecutorModels {
  private static final Map<String, EmbeddingModel> MODELS = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  /** The model of a bundle, loading it once per JVM. */
  public static EmbeddingModel get(BundleFiles files) {
    return MODELS.computeIfAbsent(files.id(), id -> {
      Path root = Path.of(System.getProperty("java.io.tmpdir"), "embedspark-bundles");
      return CheckpointBundle.read(files.materialise(root)).toModel(DataType.FLOAT);
    });
  }
}
