package io.embedspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.data.JsonlTexts;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingData;
import io.embedspark.data.TrainingExample;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.FloatTensor;
import io.embedspark.io.Provenance;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TokenizerJson;
import io.embedspark.tokenize.WordPieceTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The single-machine trainer on the bundled sample with the tiny preset. */
class ContrastiveTrainerTest {
  private static final Path PAIRS = Path.of("../data/sample/pairs/train.jsonl");
  private static List<TrainingExample> data;
  private static CheckpointBundle start;

  @BeforeAll
  static void setUp() {
    data = TrainingData.readJsonl(PAIRS, new TrainingData.Fields("id", "section", "query",
        "passage", "negatives"), "pairs").subList(0, 48);
    List<String> vocab = new WordPieceTrainer(400, 1, false)
        .train(JsonlTexts.texts(PAIRS, "query", "passage").subList(0, 400));
    EncoderConfig config = EncoderPresets.tiny().withVocabSize(vocab.size());
    start = new CheckpointBundle(BundleConfig.of(config, 32), ModelParameters.initialise(config, 3),
        TokenizerJson.wordPiece(vocab, false), Provenance.now("init:tiny", List.of(), 3, null, null));
  }

  private static TrainerConfig config(int steps, double lr) {
    return new TrainerConfig(steps, 8, 5, lr, 2, 0.1, 0.01, 1.0, 0.05, List.of(), true, 3, 11L);
  }

  private static ContrastiveTrainer trainer(TrainerConfig c, Path dir, List<String> log) {
    return new ContrastiveTrainer(c, TaskPrompts.retrievalDefaults(), dir, DataType.FLOAT,
        log::add);
  }

  @Test
  void aRunStoppedBetweenCheckpointsAndResumedEqualsAnUninterruptedRun(@TempDir Path tmp)
      throws IOException {
    List<String> log = new ArrayList<>();
    TrainerConfig c = config(6, 2e-3);
    ContrastiveTrainer.Result full = trainer(c, tmp.resolve("a"), log).train(start, data, 6);

    Path b = tmp.resolve("b");
    trainer(c, b, log).train(start, data, 5);
    // A crash after step 5, before its checkpoint became visible: only step 3's survives.
    AtomicDirectory.deleteRecursively(b.resolve("step-00000005"));
    ContrastiveTrainer.Result resumed = trainer(c, b, log).train(start, data, 6);

    assertEquals(List.of(4L, 5L, 6L), resumed.steps().stream().map(StepMetrics::step).toList(),
        "resumed from step 3's checkpoint");
    for (int i = 0; i < 3; i++) {
      assertEquals(full.steps().get(3 + i).loss(), resumed.steps().get(i).loss(), 0.0,
          "loss of step " + (4 + i) + " equals the uninterrupted run's");
    }
    Map<String, FloatTensor> a = full.model().parameters().tensors();
    Map<String, FloatTensor> r = resumed.model().parameters().tensors();
    for (String name : a.keySet()) {
      assertEquals(a.get(name), r.get(name), "final " + name + " identical");
    }
    List<String> metrics = Files.readAllLines(b.resolve("metrics.jsonl"));
    assertEquals(6, metrics.size(), "one metrics line per step, none duplicated: " + metrics);
    assertTrue(log.stream().anyMatch(l -> l.startsWith("step 6/6 loss")), "progress lines");
    assertTrue(log.stream().anyMatch(l -> l.contains("resuming from")), "says it resumes");
  }

  @Test
  void aRunDirectoryIsNotResumedWithOtherSettingsOrData(@TempDir Path tmp) {
    TrainerConfig c = config(6, 2e-3);
    trainer(c, tmp, new ArrayList<>()).train(start, data, 3);
    InvalidInputException rate = assertThrows(InvalidInputException.class,
        () -> trainer(config(6, 4e-3), tmp, new ArrayList<>()).train(start, data, 6));
    assertTrue(rate.getMessage().contains("train.learning_rate: 0.002 -> 0.004")
        && rate.getMessage().contains("choose a new run_dir"), rate.getMessage());
    InvalidInputException rows = assertThrows(InvalidInputException.class,
        () -> trainer(c, tmp, new ArrayList<>()).train(start, data.subList(0, 16), 6));
    assertTrue(rows.getMessage().contains("data (rows and first batch): " + data.size()
        + " rows"), rows.getMessage());
    assertEquals(List.of(4L, 5L, 6L), trainer(c, tmp, new ArrayList<>()).train(start, data, 6)
        .steps().stream().map(StepMetrics::step).toList(),
        "negative control: the same settings resume");
  }

  @Test
  void aBatchWhoseExamplesAllMaskEachOtherIsReported(@TempDir Path tmp) {
    List<TrainingExample> samePositive = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      TrainingExample e = data.get(i);
      samePositive.add(new TrainingExample("same-" + i, e.task(), e.query(), "one label text",
          List.of()));
    }
    List<String> log = new ArrayList<>();
    ContrastiveTrainer.Result r = trainer(config(2, 1e-3), tmp.resolve("a"), log)
        .train(start, samePositive, 1);
    assertTrue(log.stream().anyMatch(l -> l.startsWith("step 1: warning: no example of this "
        + "batch has a negative") && l.contains("same-0")), log.toString());
    assertEquals(0.0, r.steps().get(0).loss(), 1e-12, "nothing to contrast: loss 0");
    List<String> normal = new ArrayList<>();
    trainer(config(2, 1e-3), tmp.resolve("b"), normal).train(start, data, 1);
    assertTrue(normal.stream().noneMatch(l -> l.contains("warning")),
        "negative control: an ordinary batch: " + normal);
  }

  @Test
  void withoutTheDuplicateMaskSharedPositivesAreNegativesAndAResumeMustKeepTheSetting(
      @TempDir Path tmp) {
    List<TrainingExample> samePositive = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      TrainingExample e = data.get(i);
      samePositive.add(new TrainingExample("same-" + i, e.task(), e.query(), "one label text",
          List.of()));
    }
    // No dropout: the eight positives embed identically, so every candidate of a query scores
    // alike and its NCE loss is log(8) at every Matryoshka dim (the negative control, with the
    // mask, is 0 in aBatchWhoseExamplesAllMaskEachOtherIsReported).
    TrainerConfig unmasked = new TrainerConfig(2, 8, 5, 1e-3, 2, 0.1, 0.01, 1.0, 0.05, List.of(),
        false, 1, 11L, false);
    List<String> log = new ArrayList<>();
    ContrastiveTrainer.Result r = trainer(unmasked, tmp, log).train(start, samePositive, 1);
    int dims = start.config().model().matryoshkaDims().size();
    assertEquals(dims * Math.log(8), r.steps().get(0).loss(), 1e-4);
    assertTrue(log.stream().noneMatch(l -> l.contains("warning")), log.toString());

    TrainerConfig masked = new TrainerConfig(2, 8, 5, 1e-3, 2, 0.1, 0.01, 1.0, 0.05, List.of(),
        false, 1, 11L, true);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> trainer(masked, tmp, new ArrayList<>()).train(start, samePositive, 2));
    assertTrue(e.getMessage().contains("train.duplicate_mask: false -> true"), e.getMessage());
  }

  @Test
  void aCheckpointFromBeforeTheDuplicateMaskWasRecordedResumesWithTheMaskOnOnly(
      @TempDir Path tmp) {
    TrainerConfig c = config(4, 2e-3);
    trainer(c, tmp, new ArrayList<>()).train(start, data, 3);
    Path state = tmp.resolve("step-00000003/state.json");
    TrainingCheckpoint.State s = io.embedspark.io.JsonFiles.read(state,
        TrainingCheckpoint.State.class);
    Map<String, String> older = new LinkedHashMap<>(s.run());
    assertEquals("true", older.remove("train.duplicate_mask"));
    io.embedspark.io.JsonFiles.write(state, new TrainingCheckpoint.State(s.step(),
        s.optimizerSha256(), older));

    TrainerConfig off = new TrainerConfig(4, 8, 5, 2e-3, 2, 0.1, 0.01, 1.0, 0.05, List.of(),
        true, 3, 11L, false);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> trainer(off, tmp, new ArrayList<>()).train(start, data, 4));
    assertTrue(e.getMessage().contains("train.duplicate_mask: true -> false"), e.getMessage());
    assertEquals(List.of(4L), trainer(c, tmp, new ArrayList<>()).train(start, data, 4).steps()
        .stream().map(StepMetrics::step).toList(), "negative control: the mask on resumes");
  }

  @Test
  void negativeControlAnotherSeedGivesAnotherRun(@TempDir Path tmp) {
    TrainerConfig c = config(2, 2e-3);
    TrainerConfig other = new TrainerConfig(2, 8, 5, 2e-3, 2, 0.1, 0.01, 1.0, 0.05, List.of(),
        true, 3, 12L);
    double a = trainer(c, tmp.resolve("a"), new ArrayList<>()).train(start, data, 2).steps()
        .get(1).loss();
    double b = trainer(other, tmp.resolve("b"), new ArrayList<>()).train(start, data, 2).steps()
        .get(1).loss();
    assertTrue(Math.abs(a - b) > 1e-6, "different batches and dropout: " + a + " vs " + b);
  }

  @Test
  void lossFallsOverTraining(@TempDir Path tmp) {
    TrainerConfig c = new TrainerConfig(24, 8, 16, 5e-3, 2, 0.1, 0.0, 1.0, 0.05, List.of(), false,
        100, 5L);
    List<StepMetrics> steps = trainer(c, tmp, new ArrayList<>()).train(start,
        data.subList(0, 16), 24).steps();
    double first = (steps.get(0).loss() + steps.get(1).loss()) / 2;
    double last = (steps.get(22).loss() + steps.get(23).loss()) / 2;
    assertTrue(last < first * 0.7, "loss falls: first " + first + ", last " + last);
  }

  @Test
  void aNanParameterStopsTheStepNamingStepRateAndBatch(@TempDir Path tmp) {
    Map<String, FloatTensor> broken = new LinkedHashMap<>(start.parameters().tensors());
    FloatTensor w = broken.get("projection.weight");
    float[] v = w.values().clone();
    v[0] = Float.NaN;
    broken.put("projection.weight", new FloatTensor(w.shape(), v));
    CheckpointBundle nan = start.with(ModelParameters.of(broken, start.config().model(), "nan"),
        start.provenance());
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> trainer(config(3, 1e-3), tmp, new ArrayList<>()).train(nan, data, 3));
    assertTrue(e.getMessage().startsWith("step 1:"), e.getMessage());
    assertTrue(e.getMessage().contains("learning rate") && e.getMessage().contains("deb-"),
        "names the rate and the batch's row ids: " + e.getMessage());
  }
}
