package io.embedspark.spark;

import io.embedspark.embed.BatchEncoder;
import io.embedspark.embed.CoreShare;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.NativeThreads;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One inference model per bundle per executor JVM, built on first use from the broadcast bundle
 * and shared by every task that runs there (SameDiff inference is thread-safe).
 *
 * <p>ND4J's native ops run with as many threads as the task has CPUs ({@code spark.task.cpus},
 * 1 by default): Spark already runs one task per core, and more threads than cores make every op
 * wait on descheduled threads (measured: batch 32 ran 3.3x slower with 2 threads per task on a
 * busy 2-core machine). An ONNX Runtime engine is likewise shared by the JVM's tasks, and each
 * call uses {@code spark.task.cpus} threads while other tasks of this executor use the engine, so
 * concurrent tasks never oversubscribe cores; a task left alone on the executor (the end of a
 * stage) uses all the executor's cores ({@link CoreShare}, {@link ExecutorCores}).
 */
public final class ExecutorModels {
  private static final Map<String, EmbeddingModel> MODELS = new ConcurrentHashMap<>();
  private static final Map<String, BatchEncoder> ENCODERS = new ConcurrentHashMap<>();
  private static final Map<Integer, CoreShare> SHARES = new ConcurrentHashMap<>();
  private static final Set<Long> JOINED = ConcurrentHashMap.newKeySet();

  private ExecutorModels() {}

  /** The model of a bundle, loading it once per JVM. */
  public static EmbeddingModel get(BundleFiles files) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      NativeThreads.configure(task.cpus());
    }
    return MODELS.computeIfAbsent(files.id(), id -> {
      return CheckpointBundle.read(files.materialise(BundleFiles.cacheRoot()))
          .toModel(DataType.FLOAT);
    });
  }

  /**
   * The inference engine's encoder of a bundle, built once per JVM and engine. A calling task is
   * counted among the engine's users until it completes.
   */
  public static BatchEncoder encoder(BundleFiles files, InferenceEngine engine) {
    EmbeddingModel model = get(files);
    TaskContext task = TaskContext.get();
    CoreShare share = task == null ? CoreShare.fixed(Runtime.getRuntime().availableProcessors())
        : share(task);
    return ENCODERS.computeIfAbsent(files.id() + "/" + engine.key(),
        key -> engine.encoder(model, share));
  }

  /** Tasks of this JVM counted as users of an inference engine now (0 once they completed). */
  public static int tasksSharingCores() {
    return SHARES.values().stream().mapToInt(CoreShare::callers).sum();
  }

  /** This executor's share of cores among its tasks; the task joins it once. */
  private static CoreShare share(TaskContext task) {
    int perTask = task.cpus();
    CoreShare share = SHARES.computeIfAbsent(perTask,
        t -> new CoreShare(Math.max(t, ExecutorCores.get()), t));
    long attempt = task.taskAttemptId();
    if (JOINED.add(attempt)) {
      Runnable leave = share.join();
      task.addTaskCompletionListener(ctx -> {
        leave.run();
        JOINED.remove(attempt);
      });
    }
    return share;
  }
}
