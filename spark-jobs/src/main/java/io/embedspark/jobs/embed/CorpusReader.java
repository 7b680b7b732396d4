package io.embedspark.jobs.embed;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import io.embedspark.error.InvalidInputException;
import io.embedspark.spark.Partitions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a corpus (Parquet, JSON lines or a BEIR {@code corpus.jsonl}) from any Hadoop file system
 * into rows of {@link #COLUMNS}: a row number that is stable across runs over the same input
 * (partition and position), the id as a string, title, text, and for JSON the raw line of a record
 * that could not be parsed.
 */
final class CorpusReader {
  static final List<String> COLUMNS = List.of("_row", "id", "title", "text", "_corrupt");
  static final int ROW = 0;
  static final int ID = 1;
  static final int TITLE = 2;
  static final int TEXT = 3;
  static final int CORRUPT = 4;
  private static final String CORRUPT_COLUMN = "_corrupt_record";

  private CorpusReader() {}

  static Dataset<Row> read(SparkSession spark, EmbedConfig.Input input) {
    requireData(spark, input.path());
    Dataset<Row> raw = input.formatChoice() == EmbedConfig.Format.PARQUET ? spark.read().parquet(input.path())
        : spark.read().schema(jsonSchema(input)).option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT_COLUMN).json(input.path());
    List<String> present = Arrays.asList(raw.columns());
    List<String> missing = new ArrayList<>();
    for (String c : required(input)) {
      if (!present.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException(input.path() + ": no column " + String.join(", ", missing)
          + " (input.id / input.text / input.title); columns are " + String.join(", ", present));
    }
    Column title = input.title().isEmpty() ? lit(null).cast(DataTypes.StringType)
        : col(quoted(input.title())).cast(DataTypes.StringType);
    Column corrupt = present.contains(CORRUPT_COLUMN) ? col(CORRUPT_COLUMN)
        : lit(null).cast(DataTypes.StringType);
    Dataset<Row> rows = raw.select(monotonically_increasing_id().as(COLUMNS.get(ROW)),
        col(quoted(input.id())).cast(DataTypes.StringType).as(COLUMNS.get(ID)),
        title.as(COLUMNS.get(TITLE)),
        col(quoted(input.text())).cast(DataTypes.StringType).as(COLUMNS.get(TEXT)),
        corrupt.as(COLUMNS.get(CORRUPT)));
    // Row numbers are given before the shuffle and placement hashes them, so a row keeps its
    // number on every pass over the input (exactly-once counts, first-occurrence duplicates).
    return Partitions.atLeastCores(spark, rows, col(COLUMNS.get(ROW)));
  }

  /**
   * Fails, naming the path, when it does not exist or holds no data file (Spark would fail later
   * with a schema-inference trace, or read nothing).
   */
  private static void requireData(SparkSession spark, String path) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(spark.sparkContext()
          .hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new InvalidInputException("input.path = " + path + " does not exist");
      }
      if (fs.getFileStatus(p).isFile()) {
        if (fs.getFileStatus(p).getLen() == 0) {
          throw new InvalidInputException("input.path = " + path + " is an empty file");
        }
        return;
      }
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
          fs.listFiles(p, true);
      while (files.hasNext()) {
        org.apache.hadoop.fs.LocatedFileStatus f = files.next();
        String name = f.getPath().getName();
        if (f.getLen() > 0 && !name.startsWith(".") && !name.startsWith("_")) {
          return;
        }
      }
      throw new InvalidInputException("input.path = " + path + " holds no data files (only "
          + "empty, hidden or '_' files, or none)");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list input.path = " + path, e);
    }
  }

  /** JSON is read with a fixed schema: no inference pass, and any JSON value fits a string. */
  private static StructType jsonSchema(EmbedConfig.Input input) {
    StructType s = new StructType();
    for (String c : required(input)) {
      s = s.add(c, DataTypes.StringType, true);
    }
    return s.add(CORRUPT_COLUMN, DataTypes.StringType, true);
  }

  private static List<String> required(EmbedConfig.Input input) {
    List<String> c = new ArrayList<>(List.of(input.id(), input.text()));
    if (!input.title().isEmpty()) {
      c.add(input.title());
    }
    return c;
  }

  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
