package io.embedspark.spark;

import io.embedspark.error.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A config's {@code where} mapping (column: value) applied to rows read from a file, e.g.
 * {@code where: {split: train}} to train on the train split of a file that holds every split.
 * A row is kept when each named column, read as text, equals its value.
 */
public final class RowFilter {
  private RowFilter() {}

  /**
   * The rows of {@code rows} that match {@code where} (all of them when it is empty); a column
   * the rows lack fails naming the config key and the file.
   */
  public static Dataset<Row> apply(Dataset<Row> rows, Map<String, String> where, String key,
      String path) {
    if (where == null || where.isEmpty()) {
      return rows;
    }
    List<String> columns = Arrays.asList(rows.columns());
    Column keep = functions.lit(true);
    for (Map.Entry<String, String> e : where.entrySet()) {
      if (!columns.contains(e.getKey())) {
        throw new InvalidInputException(key + " names the column '" + e.getKey() + "', which "
            + path + " lacks (columns: " + columns + ")");
      }
      if (e.getValue() == null) {
        throw new InvalidInputException(key + "." + e.getKey() + " must have a value");
      }
      keep = keep.and(functions.col("`" + e.getKey() + "`").cast("string")
          .equalTo(e.getValue()));
    }
    return rows.filter(keep);
  }
}
