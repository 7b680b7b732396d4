package io.embedspark.bench.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a PyTorch reference benchmark script ({@code tools/bench/*.py}) with Debian's
 * python3-torch, so a benchmark reports both engines from one run. Returns the script's last
 * output line as JSON, or null (with the reason printed) when torch is not installed.
 */
public final class TorchReference {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private TorchReference() {}

  public static JsonNode run(String script, String... args) throws IOException, InterruptedException {
    return runWithInput(script, "", args);
  }

  /** As {@link #run}, writing {@code input} to the script's standard input (no file to clean). */
  public static JsonNode runWithInput(String script, String input, String... args)
      throws IOException, InterruptedException {
    Path path = Path.of("tools/bench", script);
    if (!Files.isExecutable(PYTHON) || !Files.exists(path)) {
      System.out.println("pytorch reference skipped: /usr/bin/python3 or " + path
          + " missing (apt-get install python3-torch)");
      return null;
    }
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), path.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (java.io.OutputStream stdin = p.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8)); // read whole before the script prints
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      System.out.println("pytorch reference failed: " + out.strip());
      return null;
    }
    String last = out.strip().lines().reduce((a, b) -> b).orElse("{}");
    return new ObjectMapper().readTree(last);
  }
}
