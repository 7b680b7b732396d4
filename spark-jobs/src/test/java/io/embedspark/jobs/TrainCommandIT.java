package io.embedspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.io.CheckpointBundle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code embedspark train} on a Parquet file of (query, positive, negatives) rows, real Spark. */
class TrainCommandIT {

  private static void writeParquet(Path file, boolean withPositive) {
    StructType schema = new StructType()
        .add("id", DataTypes.StringType)
        .add("query", DataTypes.StringType)
        .add(withPositive ? "positive" : "passage", DataTypes.StringType)
        .add("negatives", DataTypes.createArrayType(DataTypes.StringType));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      rows.add(RowFactory.create("r" + i, "library number " + i, "a shared library that does "
          + "task " + i + " well", List.of("an unrelated game " + (i + 1))));
    }
    SparkSession spark = SparkSessions.create("TrainCommandIT-write", "local[2]");
    try {
      spark.createDataFrame(rows, schema).coalesce(1).write().parquet(file.toString());
    } finally {
      spark.stop();
    }
  }

  @Test
  void trainsFromParquetAndWritesAModelAndMetrics(@TempDir Path tmp) {
    Path data = tmp.resolve("rows.parquet");
    writeParquet(data, true);
    Path run = tmp.resolve("run");
    int code = Main.commandLine().execute("train", "--data", data.toString(), "--model", "tiny",
        "--run-dir", run.toString(), "--steps", "3", "--batch-size", "8", "--chunk-size", "7",
        "--vocab-size", "200", "--max-length", "16", "--checkpoint-every", "2",
        "--master", "local[2]");
    assertEquals(0, code);
    CheckpointBundle model = CheckpointBundle.read(run.resolve("model"));
    assertEquals(2, model.config().model().numLayers(), "the tiny preset, trained");
    assertTrue(Files.isDirectory(run.resolve("step-00000002")), "checkpoint at step 2");
    assertTrue(Files.isDirectory(run.resolve("step-00000003")), "checkpoint at the end");
    assertTrue(Files.exists(run.resolve("metrics.jsonl")));
  }

  @Test
  void aMissingColumnIsNamed(@TempDir Path tmp) {
    Path data = tmp.resolve("rows.parquet");
    writeParquet(data, false);
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("train", "--data", data.toString(), "--model", "tiny",
        "--run-dir", tmp.resolve("run").toString(), "--master", "local[2]");
    assertEquals(2, code);
    assertTrue(err.toString().contains("no column 'positive'"), err.toString());
  }
}
