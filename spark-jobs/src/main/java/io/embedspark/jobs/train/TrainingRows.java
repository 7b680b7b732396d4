package io.embedspark.jobs.train;

import io.embedspark.data.TrainingData;
import io.embedspark.data.TrainingExample;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads training rows with Spark, from JSON Lines or Parquet on any Hadoop FileSystem path, into
 * {@link TrainingExample}s on the driver. Missing columns and empty texts fail naming the column,
 * the path and the row.
 */
public final class TrainingRows {
  private TrainingRows() {}

  /** The format of a path: {@code parquet} for *.parquet, else {@code json}. */
  public static String formatOf(String path) {
    return path.endsWith(".parquet") || path.endsWith(".parquet/") ? "parquet" : "json";
  }

  public static List<TrainingExample> read(SparkSession spark, String path, String format,
      TrainingData.Fields f, String defaultTask) {
    return read(spark, path, format, f, defaultTask, java.util.Map.of(), "where");
  }

  /**
   * The rows of {@code path} whose columns equal {@code where}'s values ({@link
   * io.embedspark.spark.RowFilter}); {@code whereKey} names that mapping in messages.
   */
  public static List<TrainingExample> read(SparkSession spark, String path, String format,
      TrainingData.Fields f, String defaultTask, java.util.Map<String, String> where,
      String whereKey) {
    Dataset<Row> rows = io.embedspark.spark.RowFilter.apply(
        spark.read().format(format).load(path), where, whereKey, path);
    List<String> columns = Arrays.asList(rows.columns());
    for (String required : List.of(f.query(), f.positive())) {
      if (!columns.contains(required)) {
        throw new InvalidInputException(path + ": no column '" + required + "' (columns: "
            + columns + ")");
      }
    }
    List<TrainingExample> out = new ArrayList<>();
    int n = 0;
    for (Row r : rows.collectAsList()) {
      n++;
      String id = columns.contains(f.id()) ? String.valueOf((Object) r.getAs(f.id()))
          : path + " row " + n;
      out.add(new TrainingExample(id, columns.contains(f.task()) ? r.getAs(f.task())
          : defaultTask, text(r, f.query(), id, path), text(r, f.positive(), id, path),
          columns.contains(f.negatives()) ? negatives(r, f.negatives()) : List.of()));
    }
    return out;
  }

  private static String text(Row r, String column, String id, String path) {
    Object v = r.getAs(column);
    if (v == null || v.toString().isBlank()) {
      throw new InvalidInputException(path + ": row '" + id + "' has an empty '" + column + "'");
    }
    return v.toString();
  }

  private static List<String> negatives(Row r, String column) {
    List<Object> v = r.getList(r.fieldIndex(column));
    List<String> out = new ArrayList<>();
    if (v != null) {
      v.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }
}
