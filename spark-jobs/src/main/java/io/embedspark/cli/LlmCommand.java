package io.embedspark.cli;

import io.embedspark.data.JsonlTexts;
import io.embedspark.io.TextFiles;
import io.embedspark.llm.ChatClient;
import io.embedspark.llm.DataSteps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embedspark llm}: one LLM data step over JSON lines ({@link DataSteps}). */
@Command(name = "llm", mixinStandardHelpOptions = true,
    description = "Run an LLM data step through an OpenAI-compatible endpoint: generate "
        + "queries for passages, filter pairs, or judge mined negatives; answers are cached.")
final class LlmCommand implements Callable<Integer> {
  @Option(names = "--config", defaultValue = "conf/llm.yaml",
      description = "Configuration (default: ${DEFAULT-VALUE}); every key is documented in it.")
  Path config;

  @Mixin
  JobOptions job;

  @Override
  public Integer call() throws Exception {
    LlmConfig c = job.load(config, LlmConfig.class);
    LlmConfig.Endpoint e = c.llm();
    ChatClient client = new ChatClient(new ChatClient.Settings(e.url(), e.model(),
        System.getenv(e.apiKeyEnv()), e.retries(), Duration.ofMillis(e.backoffMs()),
        Duration.ofSeconds(e.timeoutSeconds())), Path.of(e.cache()));
    DataSteps steps = new DataSteps(client, e.concurrency(), System.out::println);
    var rows = JsonlTexts.rows(Path.of(c.input()));
    String prompt = Files.readString(Path.of(c.prompt()), StandardCharsets.UTF_8);
    DataSteps.Result r = switch (c.step()) {
      case "generate-queries" -> steps.generateQueries(rows, prompt, c.field("positive"));
      case "filter-pairs" -> steps.filterPairs(rows, prompt, c.field("query"),
          c.field("positive"));
      default -> steps.judgeNegatives(rows, prompt, c.field("query"), c.field("positive"),
          c.field("negatives"));
    };
    Path out = Path.of(c.output());
    StringBuilder b = new StringBuilder();
    r.rows().forEach(row -> b.append(row.toString()).append('\n'));
    TextFiles.writeAtomically(out, b);
    System.out.printf("llm %s: %d rows in, %d out %s; %d requests, %d answers from the cache; "
        + "written to %s%n", c.step(), rows.size(), r.rows().size(), r.counts(),
        client.requests(), client.cacheHits(), out);
    return 0;
  }
}
