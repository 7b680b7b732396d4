package io.embedspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.AtomicDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rows of a real Parquet embedding table written as JSON lines (real Spark, local[2]). */
class VectorSampleIT {
  private static final int ROWS = 300;
  private static SparkSession spark;
  private static Path root;
  private static final Map<String, float[]> TABLE = new HashMap<>();

  @BeforeAll
  static void setUp() throws IOException {
    root = Files.createTempDirectory("vector-sample-it");
    spark = SparkSession.builder().appName("VectorSampleIT").master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      float[] v = {i, -i, i / 2f, 1};
      TABLE.put("doc-" + i, v);
      List<Float> list = new ArrayList<>();
      for (float f : v) {
        list.add(f);
      }
      rows.add(RowFactory.create("doc-" + i, list));
    }
    StructType schema = new StructType().add("id", DataTypes.StringType)
        .add("embedding_d4", DataTypes.createArrayType(DataTypes.FloatType));
    spark.createDataFrame(rows, schema).repartition(3).write()
        .parquet(root.resolve("table").toString());
  }

  @AfterAll
  static void tearDown() throws IOException {
    spark.stop();
    AtomicDirectory.deleteRecursively(root);
  }

  @Test
  void everyRowWhenTheLimitAllowsItAndARepeatableSampleWhenNot() throws IOException {
    Path all = root.resolve("all.jsonl");
    assertEquals(ROWS, VectorSample.write(spark, root.resolve("table").toString(), 4, 1000, 1L,
        all));
    List<JsonNode> lines = read(all);
    assertEquals(ROWS, lines.size());
    assertEquals(ROWS, lines.stream().map(n -> n.get("id").asText()).distinct().count());
    for (JsonNode n : lines) {
      float[] v = new float[4];
      for (int j = 0; j < 4; j++) {
        v[j] = (float) n.get("embedding").get(j).asDouble();
      }
      assertArrayEquals(TABLE.get(n.get("id").asText()), v);
    }
    Path some = root.resolve("some.jsonl");
    long n = VectorSample.write(spark, root.resolve("table").toString(), 4, 50, 7L, some);
    assertTrue(n > 0 && n <= 50, n + " rows");
    assertEquals(n, read(some).size());
    Path again = root.resolve("again.jsonl");
    VectorSample.write(spark, root.resolve("table").toString(), 4, 50, 7L, again);
    assertEquals(Files.readAllLines(some), Files.readAllLines(again));
    assertTrue(Files.notExists(root.resolve("some.jsonl.tmp")));
  }

  @Test
  void aMissingDimIsNamedWithTheColumnsThereAre() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () ->
        VectorSample.write(spark, root.resolve("table").toString(), 8, 10, 1L,
            root.resolve("x.jsonl")));
    assertTrue(e.getMessage().contains("has no column embedding_d8; it has id, embedding_d4"),
        e.getMessage());
  }

  private static List<JsonNode> read(Path p) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(p)) {
      out.add(json.readTree(line));
    }
    return out;
  }
}
