package io.embedspark.jobs.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.config.YamlConfig;
import io.embedspark.jobs.train.TrainJobConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recipe's work estimate on its shipped stages, counted by hand. */
class RecipeWorkTest {
  private static final Path CONF = Path.of("../conf/recipe");

  @Test
  void trainingStagesCountTheirSequencesAndDevEvaluations() {
    TrainJobConfig pre = YamlConfig.load(CONF.resolve("prefinetune.yaml"), List.of(),
        TrainJobConfig.class);
    // 100 steps of 256 (query, passage) pairs, no dev suite.
    assertEquals(new RecipeClock.Work(100 * 256 * 2, 0), RecipeWork.training(pre, 0, 1000));

    TrainJobConfig fine = YamlConfig.load(CONF.resolve("finetune.yaml"), List.of(),
        TrainJobConfig.class);
    assertEquals(3, RecipeWork.checkpoints(fine), "120 steps, every 40");
    assertEquals(0.0, RecipeWork.negativesPerExample(fine, "retrieval-mined", 3),
        "no mined dataset in the config itself");
    // The recipe adds the mined triples at weight 2 beside weights 1 + 0.4 + 0.4 + 3 x 0.2.
    TrainJobConfig withMined = YamlConfig.load(CONF.resolve("finetune.yaml"),
        List.of("datasets=[{name: sections, path: s.jsonl, weight: 2.4}, "
            + "{name: retrieval-mined, path: m.jsonl, weight: 2.0}]"), TrainJobConfig.class);
    double negatives = RecipeWork.negativesPerExample(withMined, "retrieval-mined", 3);
    assertEquals(3 * 2.0 / 4.4, negatives, 1e-12);
    // 120 x 64 examples of 2 + negatives sequences, and the start and 3 checkpoints on dev.
    RecipeClock.Work w = RecipeWork.training(withMined, negatives, 17357);
    assertEquals(120 * 64 * (2 + negatives), w.trainedSequences(), 1e-9);
    assertEquals(4 * 17357.0, w.embeddedTexts());
  }

  @Test
  void theClockPricesEachKindOfWorkAtItsOwnTimedRate() {
    RecipeClock clock = new RecipeClock();
    RecipeClock.Work train = new RecipeClock.Work(1000, 0);
    RecipeClock.Work embed = new RecipeClock.Work(0, 4000);
    assertTrue(clock.secondsFor(train).isEmpty(), "nothing timed yet");
    clock.timed(RecipeClock.Work.NONE, 3.0);
    assertTrue(clock.secondsFor(train).isEmpty(), "a stage without work prices nothing");
    clock.timed(new RecipeClock.Work(2000, 0), 80.0);
    assertEquals(40.0, clock.secondsFor(train).getAsDouble(), 1e-12, "0.04 s a sequence");
    assertEquals(4000 * 0.04 / 8, clock.secondsFor(embed).getAsDouble(), 1e-12,
        "a text at an eighth of a sequence until embedding was timed");
    clock.timed(new RecipeClock.Work(500, 500), 1000.0);
    assertEquals(40.0, clock.secondsFor(train).getAsDouble(), 1e-12, "a mixed stage is not used");
    clock.timed(new RecipeClock.Work(0, 10000), 30.0);
    assertEquals(40.0 + 12.0, clock.secondsFor(train.plus(embed)).getAsDouble(), 1e-12,
        "0.003 s a text once timed");
  }
}
