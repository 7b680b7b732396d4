package io.embedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The recipe's LLM data steps over JSON rows, each prompt asked with at most {@code concurrency}
 * requests in flight:
 * <ul>
 *   <li>{@link #generateQueries}: a synthetic query for each passage (rows {@code {id,
 *       positive}} gain {@code query});</li>
 *   <li>{@link #filterPairs}: keeps the (query, positive) pairs the model judges a good match
 *       (answer starting with yes);</li>
 *   <li>{@link #judgeNegatives}: drops mined negatives the model judges to answer the query as
 *       well as the positive (likely false negatives).</li>
 * </ul>
 * Prompts are templates with {@code {query}}, {@code {passage}}, {@code {negative}}. Every step
 * returns its rows and counts what it kept, dropped and could not parse.
 */
public final class DataSteps {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A step's output rows and its counts (e.g. kept, dropped, unclear). */
  public record Result(List<ObjectNode> rows, Map<String, Long> counts) {}

  private final ChatClient client;
  private final int concurrency;
  private final Consumer<String> progress;

  public DataSteps(ChatClient client, int concurrency, Consumer<String> progress) {
    if (concurrency <= 0) {
      throw new InvalidInputException("llm.concurrency = " + concurrency + " must be positive");
    }
    this.client = client;
    this.concurrency = concurrency;
    this.progress = progress;
  }

  public Result generateQueries(List<JsonNode> rows, String prompt, String positiveField) {
    List<String> prompts = new ArrayList<>();
    for (JsonNode r : rows) {
      prompts.add(prompt.replace("{passage}", field(r, positiveField)));
    }
    List<String> answers = completeAll(prompts);
    List<ObjectNode> out = new ArrayList<>();
    long empty = 0;
    for (int i = 0; i < rows.size(); i++) {
      String q = answers.get(i).strip();
      if (q.isEmpty()) {
        empty++;
        continue;
      }
      ObjectNode row = rows.get(i).deepCopy();
      row.put("query", q);
      out.add(row);
    }
    return new Result(out, counts("generated", out.size(), "empty", empty));
  }

  public Result filterPairs(List<JsonNode> rows, String prompt, String queryField,
      String positiveField) {
    List<String> prompts = new ArrayList<>();
    for (JsonNode r : rows) {
      prompts.add(prompt.replace("{query}", field(r, queryField)).replace("{passage}",
          field(r, positiveField)));
    }
    List<String> answers = completeAll(prompts);
    List<ObjectNode> out = new ArrayList<>();
    long dropped = 0;
    long unclear = 0;
    for (int i = 0; i < rows.size(); i++) {
      Boolean yes = yes(answers.get(i));
      if (yes == null) {
        unclear++;
      } else if (yes) {
        out.add(rows.get(i).deepCopy());
      } else {
        dropped++;
      }
    }
    return new Result(out, counts("kept", out.size(), "dropped", dropped, "unclear", unclear));
  }

  public Result judgeNegatives(List<JsonNode> rows, String prompt, String queryField,
      String positiveField, String negativesField) {
    List<String> prompts = new ArrayList<>();
    List<int[]> index = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      JsonNode negatives = r.get(negativesField);
      if (negatives == null || !negatives.isArray()) {
        throw new InvalidInputException("row " + (i + 1) + ": field '" + negativesField
            + "' must be a list of strings");
      }
      for (int n = 0; n < negatives.size(); n++) {
        prompts.add(prompt.replace("{query}", field(r, queryField)).replace("{passage}",
            field(r, positiveField)).replace("{negative}", negatives.get(n).asText()));
        index.add(new int[] {i, n});
      }
    }
    List<String> answers = completeAll(prompts);
    boolean[][] drop = new boolean[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      drop[i] = new boolean[rows.get(i).get(negativesField).size()];
    }
    long falseNegatives = 0;
    long unclear = 0;
    for (int p = 0; p < answers.size(); p++) {
      Boolean yes = yes(answers.get(p));
      int[] at = index.get(p);
      if (yes == null) {
        unclear++;
        drop[at[0]][at[1]] = true;
      } else if (yes) {
        falseNegatives++;
        drop[at[0]][at[1]] = true;
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      ObjectNode row = rows.get(i).deepCopy();
      var kept = row.putArray(negativesField);
      JsonNode original = rows.get(i).get(negativesField);
      for (int n = 0; n < original.size(); n++) {
        if (!drop[i][n]) {
          kept.add(original.get(n));
        }
      }
      out.add(row);
    }
    return new Result(out, counts("negatives", prompts.size(), "false_negatives",
        falseNegatives, "unclear", unclear, "kept", prompts.size() - falseNegatives - unclear));
  }

  /** Answers in prompt order, at most {@code concurrency} requests at a time. */
  List<String> completeAll(List<String> prompts) {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (String p : prompts) {
        futures.add(pool.submit(() -> client.complete(p)));
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        try {
          out.add(futures.get(i).get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException(e.getCause());
        }
        if ((i + 1) % 500 == 0) {
          progress.accept(String.format("llm: %d/%d answers (%d requests, %d from the cache)",
              i + 1, prompts.size(), client.requests(), client.cacheHits()));
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** True for an answer starting with yes, false for no, null otherwise. */
  static Boolean yes(String answer) {
    String a = answer.strip().toLowerCase(Locale.ROOT);
    if (a.startsWith("yes")) {
      return true;
    }
    if (a.startsWith("no")) {
      return false;
    }
    return null;
  }

  private static String field(JsonNode row, String name) {
    JsonNode v = row.get(name);
    if (v == null || !v.isTextual()) {
      throw new InvalidInputException("row " + row.path("id").asText("?") + ": field '" + name
          + "' must be a string");
    }
    return v.asText();
  }

  private static Map<String, Long> counts(Object... kv) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
    }
    return m;
  }

  static ObjectMapper json() {
    return JSON;
  }
}
