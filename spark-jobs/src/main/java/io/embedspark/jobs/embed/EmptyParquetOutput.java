package io.embedspark.jobs.embed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.SparkToParquetSchemaConverter;
import org.apache.spark.sql.types.StructType;

/**
 * Writes an output of no rows the way Spark would (one Parquet file of that schema with no row
 * groups, and {@code _SUCCESS}) from the driver, without a Spark job: a job that writes nothing
 * still costs a second on a small input.
 */
final class EmptyParquetOutput {
  /** The footer key under which Spark keeps a file's schema, nullability included. */
  private static final String SPARK_SCHEMA = "org.apache.spark.sql.parquet.row.metadata";

  private EmptyParquetOutput() {}

  static void write(SparkSession spark, String dir, StructType schema) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path out = new Path(dir);
    MessageType parquet = new SparkToParquetSchemaConverter(spark.sessionState().conf())
        .convert(schema);
    try {
      FileSystem fs = out.getFileSystem(conf);
      if (!fs.mkdirs(out)) {
        throw new IOException("cannot create " + out);
      }
      ParquetFileWriter writer = new ParquetFileWriter(
          HadoopOutputFile.fromPath(new Path(out, "part-00000.snappy.parquet"), conf), parquet,
          ParquetFileWriter.Mode.CREATE, 0, 0);
      writer.start();
      writer.end(Map.of(SPARK_SCHEMA, schema.json()));
      fs.create(new Path(out, "_SUCCESS"), false).close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the empty output " + dir, e);
    }
  }
}
