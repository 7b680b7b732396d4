package io.embedspark.jobs.embed;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an embed run did: every input row is either embedded or rejected, and the counts prove it.
 *
 * @param read input rows, malformed ones included
 * @param embedded rows written to the embeddings output
 * @param truncated embedded rows whose text was cut to the model's token limit
 * @param rejected rows written to the rejects output, by reason
 * @param seconds wall time of the run
 */
public record EmbedReport(long read, long embedded, long truncated, Map<String, Long> rejected,
    double seconds) {

  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }

  /** One line for logs and the console. */
  public String summary() {
    String reasons = rejected.isEmpty() ? "" : rejected.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", " (", ")"));
    return String.format(java.util.Locale.ROOT,
        "embed: read %d, embedded %d (truncated %d), rejected %d%s in %.1f s", read, embedded,
        truncated, rejectedTotal(), reasons, seconds);
  }
}
