package io.embedspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.embedspark.config.YamlConfig;
import io.embedspark.error.InvalidInputException;
import io.embedspark.jobs.embed.EmbedConfig;
import io.embedspark.jobs.eval.EvalConfig;
import io.embedspark.jobs.mine.MineConfig;
import io.embedspark.jobs.train.TrainJobConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The YAML job configs on any text: each of the embed, eval, train and mine configs binds, or is
 * refused with an InvalidInputException whose message names the file, never another exception.
 */
class JobConfigFuzzTest {
  private static final String SOURCE = "fuzzed.yaml";

  @FuzzTest(maxDuration = "10s")
  void anyYamlBindsOrIsRefusedByName(byte[] bytes) {
    String yaml = new String(bytes, StandardCharsets.UTF_8);
    for (Class<?> type : List.of(EmbedConfig.class, EvalConfig.class, TrainJobConfig.class,
        MineConfig.class)) {
      try {
        YamlConfig.parse(yaml, SOURCE, List.of(), type);
      } catch (InvalidInputException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          throw new AssertionError(type.getSimpleName() + ": an error without a message", e);
        }
      }
    }
  }
}
