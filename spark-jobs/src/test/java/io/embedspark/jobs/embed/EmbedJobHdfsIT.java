package io.embedspark.jobs.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.io.AtomicDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
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
    Path local = Files.createTempDirectory("embed-hdfs-it");
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, local.resolve("dfs").toString());
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    SparkSession spark = null;
    try {
      cluster.waitActive();
      FileSystem fs = cluster.getFileSystem();
      String hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
      Path model = TestCorpus.writeModel(local.resolve("model"));
      Path corpus = TestCorpus.writeCorpus(local.resolve("corpus.jsonl"));
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(model.toUri()),
          new org.apache.hadoop.fs.Path(hdfs + "/models/tiny"));
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(corpus.toUri()),
          new org.apache.hadoop.fs.Path(hdfs + "/data/corpus.jsonl"));
      spark = SparkSession.builder().appName("EmbedJobHdfsIT").master("local[2]")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
      EmbedConfig config = new EmbedConfig(hdfs + "/models/tiny",
          new EmbedConfig.Input(hdfs + "/data/corpus.jsonl", "beir", null, null, null), "document",
          new EmbedConfig.Output(hdfs + "/out/embeddings", null, "error", List.of(8), true, false),
          null, null);
      EmbedReport report = new EmbedJob(spark, config, line -> { }).run();

      assertEquals(TestCorpus.GOOD, report.embedded());
      assertEquals(5, report.rejectedTotal());
      List<Row> rows = spark.read().parquet(hdfs + "/out/embeddings").collectAsList();
      assertEquals(TestCorpus.GOOD, rows.size());
      assertEquals(8, rows.get(0).getList(rows.get(0).fieldIndex("embedding_d8")).size());
      assertEquals(5, spark.read().parquet(hdfs + "/out/embeddings-rejects").count());
      for (FileStatus f : fs.listStatus(new org.apache.hadoop.fs.Path(hdfs + "/out"))) {
        assertFalse(f.getPath().getName().contains("staging"), "staging renamed away: "
            + f.getPath());
      }
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(hdfs + "/out/embeddings/_SUCCESS")));
      assertEquals(Map.of("duplicate_id", 1L, "empty_text", 2L, "malformed", 1L,
          "missing_id", 1L), report.rejected());
    } finally {
      if (spark != null) {
        spark.stop();
      }
      cluster.shutdown();
      AtomicDirectory.deleteRecursively(local);
    }
  }
}
