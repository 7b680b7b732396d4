package io.embedspark.jobs.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.config.YamlConfig;
import io.embedspark.error.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbedConfigTest {
  private static final String MINIMAL = "model: m\ninput:\n  path: in\noutput:\n  path: out/\n";

  @Test
  void theShippedConfigIsValid() {
    EmbedConfig c = YamlConfig.load(Path.of("../conf/embed.yaml"), List.of(), EmbedConfig.class);
    assertEquals("beir", c.input().format());
    assertEquals(2_048, c.batching().tokenBudget());
  }

  @Test
  void missingKeysTakeTheirDefaults() {
    EmbedConfig c = YamlConfig.parse(MINIMAL, "t.yaml", List.of(), EmbedConfig.class);
    assertEquals("parquet", c.input().format());
    assertEquals("id", c.input().id());
    assertEquals("", c.input().title());
    assertEquals("out-rejects", c.output().rejects());
    assertEquals("error", c.output().mode());
    assertEquals(List.of(), c.output().dims());
    assertEquals(false, c.output().int8());
    assertEquals("truncate", c.limits().tooLong());
    assertEquals("reject", c.limits().duplicateIds());
    assertEquals("title: {title} | text: {text}", c.promptTemplate().template());
    EmbedConfig beir = YamlConfig.parse(MINIMAL, "t.yaml", List.of("input.format=beir"),
        EmbedConfig.class);
    assertEquals("_id", beir.input().id());
    assertEquals("title", beir.input().title());
  }

  @Test
  void everyBadValueIsNamedByItsKey() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        MINIMAL, "conf/embed.yaml", List.of("input.format=csv", "output.mode=append",
            "batching.token_budget=0", "limits.too_long=drop", "limits.duplicate_ids=merge",
            "limits.max_length=0", "output.dims=[0]", "prompt=no placeholder"), EmbedConfig.class));
    for (String key : List.of("input.format = 'csv'", "output.mode = 'append'",
        "batching.token_budget = 0", "limits.too_long = 'drop'",
        "limits.duplicate_ids = 'merge'", "limits.max_length = 0", "output.dims contains 0",
        "must contain {text}")) {
      assertTrue(e.getMessage().contains(key), key + " in: " + e.getMessage());
    }
    assertTrue(e.getMessage().startsWith("conf/embed.yaml: "), e.getMessage());
  }

  @Test
  void requiredKeysAndAnUnknownKeyAreNamed() {
    InvalidInputException missing = assertThrows(InvalidInputException.class,
        () -> YamlConfig.parse("prompt: query\n", "t.yaml", List.of(), EmbedConfig.class));
    assertTrue(missing.getMessage().contains("model must name"), missing.getMessage());
    assertTrue(missing.getMessage().contains("input.path"), missing.getMessage());
    assertTrue(missing.getMessage().contains("output.path"), missing.getMessage());
    InvalidInputException unknown = assertThrows(InvalidInputException.class,
        () -> YamlConfig.parse(MINIMAL + "batching:\n  tokens: 5\n", "t.yaml", List.of(),
            EmbedConfig.class));
    assertTrue(unknown.getMessage().contains("unknown key 'batching.tokens'"),
        unknown.getMessage());
  }

  @Test
  void rejectsMayNotShareTheOutputDirectory() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        MINIMAL, "t.yaml", List.of("output.rejects=out"), EmbedConfig.class));
    assertTrue(e.getMessage().contains("output.rejects must differ"), e.getMessage());
  }
}
