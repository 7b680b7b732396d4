package io.embedspark.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM data steps against a local HTTP server on 127.0.0.1 that answers like an
 * OpenAI-compatible chat-completions endpoint (the only fake in the tests: the real service is
 * paid and remote).
 */
class DataStepsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger failFirst = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile String lastAuthorization;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    server.createContext("/v1/chat/completions", exchange -> {
      received.incrementAndGet();
      lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(20);
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        String prompt = body.path("messages").path(0).path("content").asText();
        int status = 200;
        String answer = answer(prompt);
        String out;
        if (failFirst.getAndDecrement() > 0) {
          status = 503;
          out = "{\"error\": {\"message\": \"overloaded\"}}";
        } else {
          ObjectNode r = JSON.createObjectNode();
          r.putArray("choices").addObject().putObject("message").put("role", "assistant")
              .put("content", answer);
          out = r.toString();
        }
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(bytes);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** The fake model: queries from the passage's first words, judgements by keyword. */
  private static String answer(String prompt) {
    if (prompt.startsWith("QUERY")) {
      String passage = prompt.substring(prompt.indexOf(':') + 1).strip();
      return String.join(" ", List.of(passage.split(" ")).subList(0, 2));
    }
    if (prompt.startsWith("PAIR")) {
      return prompt.contains("spam") ? "No, the passage is spam." : "Yes.";
    }
    return prompt.contains("duplicate") ? "yes" : prompt.contains("maybe") ? "perhaps" : "no";
  }

  private ChatClient client(Path cache, int port) {
    return new ChatClient(new ChatClient.Settings("http://127.0.0.1:" + port + "/v1", "m",
        "secret", 3, Duration.ofMillis(10), Duration.ofSeconds(5)), cache);
  }

  @Test
  void stepsAnswerFromTheEndpointRetryAndCache(@TempDir Path tmp) {
    List<JsonNode> passages = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      passages.add(JSON.createObjectNode().put("id", "p" + i).put("positive",
          "library number" + i + " for parsing " + (i % 5 == 0 ? "spam" : "text")));
    }
    failFirst.set(2);
    ChatClient first = client(tmp.resolve("cache"), server.getAddress().getPort());
    DataSteps steps = new DataSteps(first, 4, line -> { });
    DataSteps.Result queries = steps.generateQueries(passages, "QUERY: {passage}", "positive");
    assertEquals(20, queries.rows().size());
    assertEquals("library number3", queries.rows().get(3).get("query").asText());
    assertEquals(22, received.get(), "20 answers after 2 retried 503s");
    assertEquals("Bearer secret", lastAuthorization);
    assertTrue(maxInFlight.get() <= 4 && maxInFlight.get() > 1, "in flight " + maxInFlight);

    List<JsonNode> pairs = new ArrayList<>(queries.rows());
    DataSteps.Result filtered = steps.filterPairs(pairs, "PAIR {query} / {passage}", "query",
        "positive");
    assertEquals(Map.of("kept", 16L, "dropped", 4L, "unclear", 0L), filtered.counts());

    List<JsonNode> triples = List.of(JSON.createObjectNode().put("query", "q")
        .put("positive", "p").set("negatives", JSON.valueToTree(List.of("other", "duplicate",
            "maybe"))));
    DataSteps.Result judged = steps.judgeNegatives(triples, "NEG {query} {passage} {negative}",
        "query", "positive", "negatives");
    assertEquals(List.of("other"), JSON.convertValue(judged.rows().get(0).get("negatives"),
        List.class));
    assertEquals(1L, judged.counts().get("false_negatives"));
    assertEquals(1L, judged.counts().get("unclear"));

    // A rerun with a new client on the same cache sends nothing.
    int before = received.get();
    ChatClient second = client(tmp.resolve("cache"), server.getAddress().getPort());
    DataSteps.Result again = new DataSteps(second, 4, line -> { }).generateQueries(passages,
        "QUERY: {passage}", "positive");
    assertEquals(before, received.get(), "no request on rerun");
    assertEquals(20, second.cacheHits());
    assertEquals(queries.rows(), again.rows());
  }

  @Test
  void anUnreachableEndpointIsNamed(@TempDir Path tmp) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    ChatClient dead = client(tmp, port);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> dead.complete("hello"));
    assertTrue(e.getMessage().contains("http://127.0.0.1:" + port + "/v1/chat/completions")
        && e.getMessage().contains("unreachable") && e.getMessage().contains("4 attempts"),
        e.getMessage());
  }

  @Test
  void aRefusedRequestIsNotRetried(@TempDir Path tmp) {
    server.removeContext("/v1/chat/completions");
    server.createContext("/v1/chat/completions", exchange -> {
      received.incrementAndGet();
      byte[] b = "{\"error\": \"invalid api key\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(401, b.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(b);
      }
    });
    ChatClient c = client(tmp, server.getAddress().getPort());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> c.complete("x"));
    assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    assertEquals(1, received.get());
  }
}
