package io.embedspark.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * A client of an OpenAI-compatible {@code POST /chat/completions} endpoint. Every answer is cached
 * on disk under the SHA-256 of the request body (model, messages, temperature), so a rerun asks
 * nothing it has asked before; 429 and 5xx answers and connection failures are retried with
 * exponential backoff; an endpoint that cannot be reached fails with its URL named.
 */
public final class ChatClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param url base URL, e.g. {@code https://api.openai.com/v1} (the client appends
   *     {@code /chat/completions})
   * @param model model name sent with every request
   * @param apiKey bearer token, or null for none
   * @param retries attempts after the first
   * @param backoff delay before the first retry, doubled after each
   */
  public record Settings(String url, String model, String apiKey, int retries, Duration backoff,
      Duration timeout) {}

  private final Settings settings;
  private final Path cacheDir;
  private final HttpClient http;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();

  public ChatClient(Settings settings, Path cacheDir) {
    this.settings = settings;
    this.cacheDir = cacheDir;
    this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
  }

  /** The assistant's answer to one user message (temperature 0). */
  public String complete(String prompt) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", settings.model());
    body.put("temperature", 0);
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    message.put("content", prompt);
    String json = body.toString();
    Path cached = cacheDir.resolve(DigestUtils.sha256Hex(json) + ".txt");
    if (Files.exists(cached)) {
      cacheHits.incrementAndGet();
      return read(cached);
    }
    String answer = send(json);
    write(cached, answer);
    return answer;
  }

  /** HTTP requests sent so far (retries included). */
  public long requests() {
    return requests.get();
  }

  /** Answers served from the cache so far. */
  public long cacheHits() {
    return cacheHits.get();
  }

  private String send(String json) {
    URI uri = URI.create(settings.url().replaceAll("/+$", "") + "/chat/completions");
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      b.header("Authorization", "Bearer " + settings.apiKey());
    }
    HttpRequest request = b.build();
    long delay = settings.backoff().toMillis();
    String last = null;
    for (int attempt = 0; attempt <= settings.retries(); attempt++) {
      if (attempt > 0) {
        sleep(delay);
        delay *= 2;
      }
      requests.incrementAndGet();
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(
            StandardCharsets.UTF_8));
        if (r.statusCode() == 200) {
          return answer(r.body(), uri);
        }
        last = "HTTP " + r.statusCode() + ": " + abbreviate(r.body());
        if (r.statusCode() != 429 && r.statusCode() < 500) {
          throw new InvalidInputException("LLM endpoint " + uri + " refused the request: " + last);
        }
      } catch (ConnectException e) {
        last = "unreachable (" + e.getClass().getSimpleName() + ")";
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while calling " + uri, e);
      }
    }
    throw new InvalidInputException("LLM endpoint " + uri + " failed after "
        + (settings.retries() + 1) + " attempts: " + last
        + " (check llm.url and that the server is running)");
  }

  private static String answer(String body, URI uri) {
    try {
      JsonNode content = JSON.readTree(body).path("choices").path(0).path("message")
          .path("content");
      if (!content.isTextual()) {
        throw new InvalidInputException("LLM endpoint " + uri + " answered without "
            + "choices[0].message.content: " + abbreviate(body));
      }
      return content.asText();
    } catch (IOException e) {
      throw new InvalidInputException("LLM endpoint " + uri + " answered with invalid JSON: "
          + abbreviate(body));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void write(Path file, String answer) {
    try {
      Files.createDirectories(cacheDir);
      Path tmp = Files.createTempFile(cacheDir, ".answer", ".tmp");
      Files.writeString(tmp, answer, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the LLM cache " + file, e);
    }
  }
}
