package io.embedspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.config.YamlConfig;
import io.embedspark.error.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainJobConfigTest {
  @Test
  void theShippedStagesAreValid() {
    TrainJobConfig pre = YamlConfig.load(Path.of("../conf/prefinetune.yaml"), List.of(),
        TrainJobConfig.class);
    TrainJobConfig fine = YamlConfig.load(Path.of("../conf/finetune.yaml"), List.of(),
        TrainJobConfig.class);
    assertEquals("prefinetune", pre.stage());
    assertEquals("finetune", fine.stage());
    assertEquals(pre.runDir() + "/model", fine.model(), "stage 2 starts from stage 1's model");
    assertEquals(3, fine.datasets().size());
    assertEquals("xx", fine.datasets().get(1).fields().query());
    assertEquals("task", fine.datasets().get(1).fields().task(), "default column name");
    assertEquals("global-batch", pre.distributed().mode());
  }

  @Test
  void defaultsAndErrorsNameTheirKeys() {
    TrainJobConfig c = YamlConfig.parse("model: tiny\ndatasets: [{path: rows.parquet}]\n", "t",
        List.of(), TrainJobConfig.class);
    assertEquals("parquet", c.datasets().get(0).format());
    assertEquals("runs/prefinetune", c.runDir());
    assertEquals(10, c.train().warmupSteps(), "a tenth of the default 100 steps");
    assertTrue(c.trainerConfig().duplicateMask(), "the recipe's mask is on by default");
    assertTrue(!YamlConfig.parse("model: tiny\ndatasets: [{path: rows.parquet}]\n", "t",
        List.of("train.duplicate_mask=false"), TrainJobConfig.class).trainerConfig()
        .duplicateMask(), "switched off for an ablation");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "model: tiny\ndatasets: [{path: a.csv, format: csv, weight: -1}, {format: jsonl}]\n",
        "t.yaml", List.of("stage=pretrain"), TrainJobConfig.class));
    for (String key : List.of("stage = 'pretrain'", "datasets[0].format = 'csv'",
        "datasets[0].weight = -1.0", "datasets[1].path")) {
      assertTrue(e.getMessage().contains(key), key + " in " + e.getMessage());
    }
  }

  @Test
  void optimiserValuesThatCannotTrainAreRefusedAllAtOnceBeforeAnyData() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "model: tiny\ndatasets: [{path: never-read.parquet}]\ntrain: {temperature: 0, "
            + "max_grad_norm: -1, learning_rate: 0, weight_decay: -0.1, "
            + "final_learning_rate_fraction: 2}\n", "t.yaml", List.of(),
        TrainJobConfig.class));
    for (String key : List.of("train.temperature = 0.0 must be positive",
        "train.max_grad_norm = -1.0", "train.learning_rate = 0.0", "train.weight_decay = -0.1",
        "train.final_learning_rate_fraction = 2.0")) {
      assertTrue(e.getMessage().contains(key), key + " in " + e.getMessage());
    }
    YamlConfig.parse("model: tiny\ndatasets: [{path: never-read.parquet}]\ntrain: "
        + "{max_grad_norm: 0}\n", "t.yaml", List.of(), TrainJobConfig.class);
  }
}
