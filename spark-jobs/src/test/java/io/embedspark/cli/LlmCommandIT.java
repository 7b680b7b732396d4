package io.embedspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.embedspark.data.JsonlTexts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code embedspark llm} through conf/llm.yaml and the shipped prompts, against a local HTTP
 * server on 127.0.0.1 answering like an OpenAI-compatible endpoint.
 */
class LlmCommandIT {
  @Test
  void filtersPairsWithTheShippedPromptAndCachesAnswers(@TempDir Path tmp) throws IOException {
    ObjectMapper json = new ObjectMapper();
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", exchange -> {
      requests.incrementAndGet();
      String prompt = json.readTree(exchange.getRequestBody()).path("messages").path(0)
          .path("content").asText();
      String answer = prompt.contains("Passage: unrelated") ? "no" : "yes";
      byte[] b = ("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"" + answer
          + "\"}}]}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, b.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(b);
      }
    });
    server.start();
    try {
      Path in = tmp.resolve("pairs.jsonl");
      Files.write(in, List.of("{\"id\":\"a\",\"query\":\"pdf viewer\",\"passage\":\"A PDF viewer\"}",
          "{\"id\":\"b\",\"query\":\"mail client\",\"passage\":\"unrelated game\"}"));
      String[] args = {"llm", "--config", "../conf/llm.yaml",
          "--set", "llm.url=http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
          "--set", "llm.cache=" + tmp.resolve("cache"), "--set", "step=filter-pairs",
          "--set", "input=" + in, "--set", "output=" + tmp.resolve("out.jsonl"),
          "--set", "prompt=../conf/llm/filter_pair.txt"};
      assertEquals(0, Main.commandLine().execute(args));
      List<String> ids = JsonlTexts.rows(tmp.resolve("out.jsonl")).stream()
          .map(r -> r.get("id").asText()).toList();
      assertEquals(List.of("a"), ids);
      assertEquals(2, requests.get());
      assertEquals(0, Main.commandLine().execute(args));
      assertEquals(2, requests.get(), "the rerun is answered from the cache");
      assertTrue(Files.readString(Path.of("../conf/llm/filter_pair.txt")).contains("{query}"));
    } finally {
      server.stop(0);
    }
  }
}
