package io.embedspark.cli;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code llm} command's settings, as in {@code conf/llm.yaml}.
 *
 * @param llm the endpoint
 * @param step {@code generate-queries}, {@code filter-pairs} or {@code judge-negatives}
 * @param input JSON-lines rows (local)
 * @param output JSON-lines rows written (local), replaced
 * @param prompt prompt template file
 * @param fields row field names: {@code query}, {@code positive}, {@code negatives}
 */
public record LlmConfig(Endpoint llm, String step, String input, String output, String prompt,
    Map<String, String> fields) {

  /**
   * @param url base URL of an OpenAI-compatible API (…/v1)
   * @param model model name
   * @param apiKeyEnv environment variable holding the API key (none when unset)
   * @param concurrency requests in flight at most
   * @param retries retries of 429/5xx answers and connection failures
   * @param backoffMs delay before the first retry, doubled after each
   * @param timeoutSeconds per request
   * @param cache directory of cached answers
   */
  public record Endpoint(String url, String model, String apiKeyEnv, Integer concurrency,
      Integer retries, Integer backoffMs, Integer timeoutSeconds, String cache) {}

  public static final List<String> STEPS = List.of("generate-queries", "filter-pairs",
      "judge-negatives");

  public LlmConfig {
    llm = llm == null ? new Endpoint(null, null, null, null, null, null, null, null) : llm;
    llm = new Endpoint(llm.url(), llm.model(), llm.apiKeyEnv() == null ? "OPENAI_API_KEY"
        : llm.apiKeyEnv(), llm.concurrency() == null ? 8 : llm.concurrency(),
        llm.retries() == null ? 5 : llm.retries(), llm.backoffMs() == null ? 1000
        : llm.backoffMs(), llm.timeoutSeconds() == null ? 120 : llm.timeoutSeconds(),
        llm.cache() == null || llm.cache().isBlank() ? "runs/llm-cache" : llm.cache());
    fields = fields == null ? Map.of() : Map.copyOf(fields);
    List<String> p = new ArrayList<>();
    if (llm.url() == null || llm.url().isBlank()) {
      p.add("llm.url must name the endpoint, e.g. https://api.openai.com/v1");
    }
    if (llm.model() == null || llm.model().isBlank()) {
      p.add("llm.model must name a model");
    }
    if (llm.concurrency() <= 0 || llm.retries() < 0 || llm.backoffMs() < 0
        || llm.timeoutSeconds() <= 0) {
      p.add("llm.concurrency and llm.timeout_seconds must be positive, llm.retries and "
          + "llm.backoff_ms not negative");
    }
    if (!STEPS.contains(step)) {
      p.add("step = '" + step + "' must be one of " + String.join(", ", STEPS));
    }
    for (String[] kv : new String[][] {{"input", input}, {"output", output},
        {"prompt", prompt}}) {
      if (kv[1] == null || kv[1].isBlank()) {
        p.add(kv[0] + " must name a file");
      }
    }
    if (!p.isEmpty()) {
      throw new InvalidInputException(String.join("; ", p));
    }
  }

  String field(String role) {
    return fields.getOrDefault(role, role);
  }
}
