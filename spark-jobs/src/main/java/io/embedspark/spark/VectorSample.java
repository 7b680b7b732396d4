package io.embedspark.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes rows of an embedding table (the embed job's Parquet: {@code id}, {@code
 * embedding_d<dim>}) as JSON lines {@code {"id": ..., "embedding": [...]}}: all rows when there
 * are at most {@code limit}, else a seeded uniform sample of about {@code limit} (Spark's
 * Bernoulli sample, then cut to {@code limit}). For tools without a Parquet reader, such as the
 * notebooks. The file is written to a temporary sibling and moved into place.
 */
public final class VectorSample {
  private VectorSample() {}

  /** Writes the rows atomically; returns how many. */
  public static long write(SparkSession spark, String input, int dim, int limit, long seed,
      Path out) {
    if (limit <= 0) {
      throw new InvalidInputException("limit = " + limit + " must be positive");
    }
    Dataset<Row> table = spark.read().parquet(input);
    String column = VectorColumns.name(dim);
    if (!Arrays.asList(table.columns()).contains(column)) {
      throw new InvalidInputException(input + " has no column " + column + "; it has "
          + String.join(", ", table.columns()));
    }
    Dataset<Row> rows = table.select("id", column);
    long total = rows.count();
    if (total > limit) {
      rows = rows.sample(false, Math.min(1.0, 1.2 * limit / total), seed);
    }
    List<Row> kept = rows.limit(limit).collectAsList();
    ObjectMapper json = new ObjectMapper();
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try {
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (Row r : kept) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("id", r.getString(0));
          line.put("embedding", VectorColumns.floats(r.getList(1)));
          w.write(json.writeValueAsString(line));
          w.write('\n');
        }
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + out, e);
    }
    return kept.size();
  }
}
