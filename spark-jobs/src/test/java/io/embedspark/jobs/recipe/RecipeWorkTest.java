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
    // 100 steps of 256 (query, passage) pairs, four passes a sequence, no dev suite.
    assertEquals(4.0 * 100 * 256 * 2, RecipeWork.training(pre, 0, 1000));

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
    assertEquals(4 * 120 * 64 * (2 + negatives) + 4 * 17357.0,
        RecipeWork.training(withMined, negatives, 17357), 1e-6);
  }

  @Test
  void theClockPricesPassesAtTheRateTimedSoFar() {
    RecipeClock clock = new RecipeClock();
    assertTrue(clock.secondsFor(100).isEmpty(), "nothing timed yet");
    clock.timed(0, 3.0);
    assertTrue(clock.secondsFor(100).isEmpty(), "a stage without work prices nothing");
    clock.timed(1000, 10.0);
    clock.timed(3000, 50.0);
    assertEquals(150.0, clock.secondsFor(10000).getAsDouble(), 1e-12, "60 s per 4,000 passes");
  }
}
