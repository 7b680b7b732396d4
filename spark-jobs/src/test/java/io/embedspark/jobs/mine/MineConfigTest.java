package io.embedspark.jobs.mine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.config.YamlConfig;
import io.embedspark.error.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MineConfigTest {
  @Test
  void theShippedConfigMinesRetrievalPairsWithSentenceTransformersFilters() {
    MineConfig c = YamlConfig.load(Path.of("../conf/mine.yaml"), List.of(), MineConfig.class);
    assertEquals("retrieval", c.task());
    assertEquals(3, c.rankFrom());
    assertEquals(0.05, c.margin());
    assertEquals("bitext", YamlConfig.load(Path.of("../conf/mine.yaml"),
        List.of("task=Bitext"), MineConfig.class).task(), "task names are case-insensitive");
  }

  @Test
  void everyBadValueIsNamedAtOnce() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "model: m\ninput: {path: p}\ntask: bitex\nrank_from: 0\nsampling: best\n"
            + "max_length: -8\n", "m.yaml",
        List.of(), MineConfig.class));
    for (String key : List.of(
        "task = 'bitex' must be one of retrieval, bitext, classification, clustering, sts",
        "rank_from = 0", "sampling", "max_length = -8")) {
      assertTrue(e.getMessage().contains(key), key + " in " + e.getMessage());
    }
  }
}
