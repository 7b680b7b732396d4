package io.embedspark.train;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.Checksums;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.JsonFiles;
import io.embedspark.io.SafetensorsReader;
import io.embedspark.io.SafetensorsWriter;
import io.embedspark.optim.AdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A resumable training checkpoint: {@code step-NNNNNNNN/} holding the model bundle
 * ({@code model/}), the AdamW moments ({@code optimizer.safetensors}) and {@code state.json}
 * (step and the SHA-256 of the optimizer file). Written to a temporary sibling and renamed, so a
 * crash leaves the previous checkpoint intact and no partial one visible.
 */
public final class TrainingCheckpoint {
  private static final String MODEL = "model";
  private static final String OPTIMIZER = "optimizer.safetensors";
  private static final String STATE = "state.json";

  private TrainingCheckpoint() {}

  /**
   * What {@code state.json} records.
   *
   * @param run the run's identity ({@link RunIdentity}); null in checkpoints written before it
   *     was recorded
   */
  public record State(long step, String optimizerSha256, Map<String, String> run) {}

  /** A checkpoint read back. */
  public record Loaded(long step, CheckpointBundle bundle, Map<String, INDArray> firstMoments,
      Map<String, INDArray> secondMoments) {}

  /** Where a run starts: its model and the number of steps already done. */
  public record Start(CheckpointBundle model, long done) {}

  /**
   * Starts a run in {@code runDir}: from its newest checkpoint if there is one (restoring the
   * optimiser's state into {@code optimizer} and dropping metrics of steps after it), else from
   * {@code start}.
   */
  public static Start resume(Path runDir, CheckpointBundle start, AdamW optimizer,
      DataType dtype, java.util.function.Consumer<String> progress, Map<String, String> run) {
    Optional<Path> latest = latest(runDir);
    if (latest.isEmpty()) {
      new MetricsLog(runDir).truncateAfter(0);
      return new Start(start, 0);
    }
    RunIdentity.check(latest.get(), JsonFiles.read(latest.get().resolve(STATE), State.class)
        .run(), run);
    Loaded c = read(latest.get(), dtype);
    optimizer.restore(c.step(), c.firstMoments(), c.secondMoments());
    progress.accept("resuming from " + latest.get() + " at step " + c.step());
    new MetricsLog(runDir).truncateAfter(c.step());
    return new Start(c.bundle(), c.step());
  }

  /**
   * Writes the checkpoint of {@code step} under {@code runDir}.
   *
   * @param run the run's identity, recorded so a resume with other settings is refused
   */
  public static Path write(Path runDir, long step, CheckpointBundle bundle, AdamW optimizer,
      Map<String, String> run) {
    Path target = runDir.resolve(String.format("step-%08d", step)).toAbsolutePath();
    try {
      Files.createDirectories(runDir);
      Path tmp = Files.createTempDirectory(runDir, ".step-tmp");
      AtomicDirectory.fill(tmp, dir -> {
        bundle.write(dir.resolve(MODEL), false);
        Map<String, FloatTensor> moments = new LinkedHashMap<>();
        optimizer.firstMoments().forEach((k, v) -> moments.put("m." + k, tensor(v)));
        optimizer.secondMoments().forEach((k, v) -> moments.put("v." + k, tensor(v)));
        SafetensorsWriter.write(dir.resolve(OPTIMIZER), moments, Map.of());
        JsonFiles.write(dir.resolve(STATE),
            new State(step, Checksums.sha256(dir.resolve(OPTIMIZER)), run));
      });
      AtomicDirectory.replace(tmp, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write checkpoint " + target, e);
    }
  }

  /** The newest complete checkpoint under {@code runDir}, if any. */
  public static Optional<Path> latest(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      return Optional.empty();
    }
    try (Stream<Path> list = Files.list(runDir)) {
      return list.filter(p -> p.getFileName().toString().startsWith("step-"))
          .filter(p -> Files.exists(p.resolve(STATE)))
          .max(java.util.Comparator.comparing(p -> p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads and verifies a checkpoint, converting moments to {@code dtype}. */
  public static Loaded read(Path dir, DataType dtype) {
    State state = JsonFiles.read(dir.resolve(STATE), State.class);
    String actual = Checksums.sha256(dir.resolve(OPTIMIZER));
    if (!actual.equals(state.optimizerSha256())) {
      throw new CorruptArtifactException(dir.resolve(OPTIMIZER) + ": SHA-256 " + actual
          + " does not match " + state.optimizerSha256() + " in state.json");
    }
    CheckpointBundle bundle = CheckpointBundle.read(dir.resolve(MODEL));
    Map<String, INDArray> m = new LinkedHashMap<>();
    Map<String, INDArray> v = new LinkedHashMap<>();
    SafetensorsReader.read(dir.resolve(OPTIMIZER)).tensors().forEach((k, t) -> {
      INDArray a = Nd4j.create(t.values(), t.shape(), 'c').castTo(dtype);
      (k.startsWith("m.") ? m : v).put(k.substring(2), a);
    });
    return new Loaded(state.step(), bundle, m, v);
  }

  private static FloatTensor tensor(INDArray a) {
    return new FloatTensor(a.shape(), a.castTo(DataType.FLOAT).dup('c').data().asFloat());
  }

}
