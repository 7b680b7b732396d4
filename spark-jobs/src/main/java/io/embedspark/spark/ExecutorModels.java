package io.embedspark.spark;

import io.embedspark.embed.BatchEncoder;
import io.embedspark.embed.CoreShare;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.model.NativeThreads;
import io.embedspark.nd4j.OpFence;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inference model per bundle (and maximum length, {@link BundleFiles#modelKey}) per executor
 * JVM, built on first use from the broadcast bundle and shared by every task that runs there
 * (SameDiff inference is thread-safe).
 *
 * <p>A JVM that evaluates one checkpoint after another (a training run scoring each checkpoint on
 * dev, the greedy soup, the recipe) would otherwise keep every model it ever loaded, each with its
 * ONNX Runtime sessions, and grow by the size of a model or more an evaluation until the process
 * is killed. So loading a bundle first releases every other bundle no running task uses: its
 * engine's sessions are closed, its model and tokenizer dropped. A bundle stays while any task
 * that asked for it runs; a task's use ends when the task completes.
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
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  /** The bundles this JVM holds, by model key; guarded by the class lock. */
  private static final Map<String, LoadedBundle> BUNDLES = new HashMap<>();
  /** The running tasks using each bundle, by model key; guarded by the class lock. */
  private static final Map<String, Set<Long>> USERS = new HashMap<>();
  private static final Map<Integer, CoreShare> SHARES = new ConcurrentHashMap<>();
  private static final Set<Long> JOINED = ConcurrentHashMap.newKeySet();

  /** A bundle's model and the encoders built on it, one per inference engine. */
  private record LoadedBundle(EmbeddingModel model, Map<String, BatchEncoder> encoders) {
    /** Closes every encoder's sessions, then the model. */
    void release() {
      for (BatchEncoder encoder : encoders.values()) {
        if (encoder instanceof AutoCloseable c) {
          closeQuietly(c);
        }
      }
      closeQuietly(model);
    }
  }

  private ExecutorModels() {}

  /** The model of a bundle, loading it once per JVM. */
  public static synchronized EmbeddingModel get(BundleFiles files) {
    return load(files).model();
  }

  /**
   * The inference engine's encoder of a bundle, built once per JVM and engine. A calling task is
   * counted among the engine's users until it completes.
   */
  public static synchronized BatchEncoder encoder(BundleFiles files, InferenceEngine engine) {
    LoadedBundle bundle = load(files);
    TaskContext task = TaskContext.get();
    CoreShare share = task == null ? CoreShare.fixed(Runtime.getRuntime().availableProcessors())
        : share(task);
    return bundle.encoders().computeIfAbsent(engine.key(),
        key -> engine.encoder(bundle.model(), share));
  }

  /** The bundles whose models this JVM holds now, by {@link BundleFiles#modelKey}. */
  static synchronized Set<String> heldBundles() {
    return Set.copyOf(BUNDLES.keySet());
  }

  /**
   * The held bundle, loaded first if needed after releasing the idle ones; a calling task is
   * counted among its users.
   */
  private static LoadedBundle load(BundleFiles files) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      NativeThreads.configure(task.cpus());
      use(task, files.modelKey());
    }
    LoadedBundle bundle = BUNDLES.get(files.modelKey());
    if (bundle == null) {
      OpFence.warnIfInactive();
      releaseIdleBundles();
      EmbeddingModel model = files.read(BundleFiles.cacheRoot()).toModel(DataType.FLOAT);
      bundle = new LoadedBundle(model, new HashMap<>());
      BUNDLES.put(files.modelKey(), bundle);
    }
    return bundle;
  }

  /** Counts the task among the bundle's users until it completes. */
  private static void use(TaskContext task, String bundle) {
    long attempt = task.taskAttemptId();
    if (USERS.computeIfAbsent(bundle, b -> new HashSet<>()).add(attempt)) {
      task.addTaskCompletionListener(ctx -> {
        synchronized (ExecutorModels.class) {
          Set<Long> users = USERS.get(bundle);
          users.remove(attempt);
          if (users.isEmpty()) {
            USERS.remove(bundle);
          }
        }
      });
    }
  }

  /** Closes and drops every held bundle no running task uses. */
  private static void releaseIdleBundles() {
    BUNDLES.entrySet().removeIf(held -> {
      if (USERS.containsKey(held.getKey())) {
        return false;
      }
      held.getValue().release();
      return true;
    });
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("releasing an unused model failed; the garbage collector frees it instead", e);
    }
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
