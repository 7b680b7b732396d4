package io.embedspark.jobs.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.spark.MiniHdfs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The embed job against a real in-process HDFS (Hadoop's MiniDFSCluster): model, corpus and both
 * outputs on {@code hdfs://} paths, so the Hadoop client path is exercised end to end.
 */
class EmbedJobHdfsIT {
  @Test
  void embedsFromAndToHdfs() throws Exception {
    try (MiniHdfs hdfs = new MiniHdfs()) {
      Path model = TestCorpus.writeModel(hdfs.local().resolve("model"));
      Path corpus = TestCorpus.writeCorpus(hdfs.local().resolve("corpus.jsonl"));
      String modelUri = hdfs.upload(model, "/models/tiny");
      String corpusUri = hdfs.upload(corpus, "/data/corpus.jsonl");
      SparkSession spark = SparkSession.builder().appName("EmbedJobHdfsIT").master("local[2]")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
      try {
        EmbedConfig config = new EmbedConfig(modelUri,
            new EmbedConfig.Input(corpusUri, "beir", null, null, null), "document",
            new EmbedConfig.Output(hdfs.uri("/out/embeddings"), null, "error", List.of(8), true,
                false), null, null);
        EmbedReport report = new EmbedJob(spark, config, line -> { }).run();

        assertEquals(TestCorpus.GOOD, report.embedded());
        assertEquals(Map.of("duplicate_id", 1L, "empty_text", 2L, "malformed", 1L,
            "missing_id", 1L), report.rejected());
        List<Row> rows = spark.read().parquet(hdfs.uri("/out/embeddings")).collectAsList();
        assertEquals(TestCorpus.GOOD, rows.size());
        assertEquals(8, rows.get(0).getList(rows.get(0).fieldIndex("embedding_d8")).size());
        assertEquals(5, spark.read().parquet(hdfs.uri("/out/embeddings-rejects")).count());
        for (FileStatus f : hdfs.fs().listStatus(new org.apache.hadoop.fs.Path(
            hdfs.uri("/out")))) {
          assertFalse(f.getPath().getName().contains("staging"), "staging renamed away: "
              + f.getPath());
        }
        assertTrue(hdfs.exists("/out/embeddings/_SUCCESS"));
      } finally {
        spark.stop();
      }
    }
  }
}
