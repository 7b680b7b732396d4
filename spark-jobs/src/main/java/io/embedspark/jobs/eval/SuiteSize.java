package io.embedspark.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.eval.tasks.TaskType;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;

/**
 * About how many texts an eval suite embeds, counted from its task files: rows, both sides of
 * a pair, every sentence of a clustering set. An upper bound for progress estimates (a
 * retrieval task counts the queries of every split), not a metric.
 */
public final class SuiteSize {
  private SuiteSize() {}

  /** The texts {@code suite} embeds, over all its tasks. */
  public static long texts(EvalConfig suite, Configuration hadoop) {
    TaskFiles files = new TaskFiles(hadoop);
    long n = 0;
    for (EvalConfig.Task t : suite.tasks()) {
      n += texts(t, files);
    }
    return n;
  }

  /** The non-blank lines of a JSON-lines file (plain or compressed), read as a stream. */
  public static long rows(String file, Configuration hadoop) {
    return new TaskFiles(hadoop).countRows(file);
  }

  private static long texts(EvalConfig.Task t, TaskFiles files) {
    switch (TaskType.parse(t.type())) {
      case RETRIEVAL -> {
        if (t.embeddings() != null) {
          return 0;
        }
        String dir = t.path().replaceAll("/+$", "");
        return files.countRows(dir + "/corpus.jsonl") + files.countRows(dir + "/queries.jsonl");
      }
      case CLASSIFICATION -> {
        return files.countRows(t.train()) + files.countRows(t.test());
      }
      case CLUSTERING -> {
        long n = 0;
        for (Iterator<JsonNode> rows = files.streamRows(t.path()); rows.hasNext(); ) {
          n += Math.max(1, longestArray(rows.next()));
        }
        return n;
      }
      default -> {
        return 2 * files.countRows(t.path());
      }
    }
  }

  /** The size of the longest array field of a row (a clustering set's sentences), else 0. */
  private static int longestArray(JsonNode row) {
    int longest = 0;
    for (Iterator<JsonNode> fields = row.elements(); fields.hasNext(); ) {
      JsonNode f = fields.next();
      if (f.isArray()) {
        longest = Math.max(longest, f.size());
      }
    }
    return longest;
  }
}
