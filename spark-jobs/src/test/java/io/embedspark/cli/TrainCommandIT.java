package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.io.CheckpointBundle;
import java.io.IOException;
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

/**
 * {@code embedspark train} through its YAML configuration on real Spark (local[2]): a pre-finetune
 * stage on Parquet rows with the global-batch step, then a finetune stage from its model on a
 * mixture of two datasets.
 */
class TrainCommandIT {

  private static void writeParquet(Path file, boolean withPositive, String topic) {
    StructType schema = new StructType()
        .add("id", DataTypes.StringType)
        .add("query", DataTypes.StringType)
        .add(withPositive ? "positive" : "passage", DataTypes.StringType)
        .add("negatives", DataTypes.createArrayType(DataTypes.StringType));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      rows.add(RowFactory.create(topic + i, topic + " number " + i, "a shared " + topic
          + " that does task " + i + " well", List.of("an unrelated game " + (i + 1))));
    }
    SparkSession spark = SparkSessions.create("TrainCommandIT-write", "local[2]");
    try {
      spark.createDataFrame(rows, schema).coalesce(1).write().parquet(file.toString());
    } finally {
      spark.stop();
    }
  }

  private static Path config(Path dir, String text) throws IOException {
    Path f = dir.resolve("train-" + Math.abs(text.hashCode()) + ".yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void prefinetuneThenFinetuneOnAMixture(@TempDir Path tmp) throws IOException {
    Path libraries = tmp.resolve("libraries.parquet");
    Path games = tmp.resolve("games.parquet");
    writeParquet(libraries, true, "library");
    writeParquet(games, true, "game");
    Path stage1 = config(tmp, "model: tiny\nrun_dir: " + tmp.resolve("pre") + "\n"
        + "datasets:\n  - {name: libraries, path: " + libraries + "}\n"
        + "tokenizer: {vocab_size: 200, max_length: 16}\n"
        + "train: {steps: 3, global_batch_size: 8, chunk_size: 7, checkpoint_every: 2}\n");
    assertEquals(0, Main.commandLine().execute("train", "--config", stage1.toString(),
        "--master", "local[2]"));
    CheckpointBundle pre = CheckpointBundle.read(tmp.resolve("pre/model"));
    assertEquals(2, pre.config().model().numLayers(), "the tiny preset, trained");
    assertTrue(pre.provenance().origin().startsWith("train:prefinetune:global-batch"),
        pre.provenance().origin());
    assertTrue(Files.isDirectory(tmp.resolve("pre/step-00000002")), "checkpoint at step 2");
    assertTrue(Files.exists(tmp.resolve("pre/metrics.jsonl")));
    byte[] png = Files.readAllBytes(tmp.resolve("pre/loss-curve.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII),
        "a PNG loss curve");

    Path stage2 = config(tmp, "stage: finetune\nmodel: " + tmp.resolve("pre/model") + "\n"
        + "run_dir: " + tmp.resolve("fine") + "\n"
        + "datasets:\n  - {name: libraries, path: " + libraries + ", weight: 3}\n"
        + "  - {name: games, path: " + games + ", weight: 1}\n"
        + "train: {steps: 2, global_batch_size: 8, chunk_size: 8}\n");
    assertEquals(0, Main.commandLine().execute("train", "--config", stage2.toString(),
        "--set", "distributed.shards=2", "--master", "local[2]"));
    CheckpointBundle fine = CheckpointBundle.read(tmp.resolve("fine/model"));
    assertEquals(pre.tokenizerJson(), fine.tokenizerJson(), "finetuned from the pre-finetuned");
    assertTrue(fine.provenance().origin().startsWith("train:finetune"));
  }

  @Test
  void aMissingColumnAndABadKeyAreNamed(@TempDir Path tmp) throws IOException {
    Path data = tmp.resolve("rows.parquet");
    writeParquet(data, false, "library");
    Path c = config(tmp, "model: tiny\nrun_dir: " + tmp.resolve("run") + "\n"
        + "datasets:\n  - {path: " + data + "}\n");
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("train", "--config", c.toString(), "--master", "local[2]"));
    assertTrue(err.toString().contains("no column 'positive'"), err.toString());

    StringWriter err2 = new StringWriter();
    CommandLine cli2 = Main.commandLine();
    cli2.setErr(new PrintWriter(err2));
    assertEquals(2, cli2.execute("train", "--config", c.toString(), "--set",
        "train.batch=8"));
    assertTrue(err2.toString().contains("unknown key 'train.batch'"), err2.toString());
    StringWriter err3 = new StringWriter();
    CommandLine cli3 = Main.commandLine();
    cli3.setErr(new PrintWriter(err3));
    assertEquals(2, cli3.execute("train", "--config", c.toString(), "--set",
        "train.chunk_size=0", "--set", "distributed.mode=ring"));
    assertTrue(err3.toString().contains("train.chunk_size = 0")
        && err3.toString().contains("distributed.mode = 'ring'"), err3.toString());
  }
}
