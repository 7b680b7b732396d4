package io.embedspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.config.YamlConfig;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.CheckpointBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The train job with its run directory on a real in-process HDFS (MiniDFSCluster): checkpoints,
 * metrics, loss curve and model land on hdfs://; a driver that lost its local disk resumes from
 * the HDFS checkpoint and ends with the parameters of an uninterrupted run; the finetune stage
 * starts from the model on HDFS.
 */
class TrainJobHdfsIT {
  @Test
  void checkpointsLandOnHdfsAndARunResumesFromThem() throws Exception {
    Path local = Files.createTempDirectory("train-hdfs-it");
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, local.resolve("dfs").toString());
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    SparkSession spark = null;
    try {
      cluster.waitActive();
      FileSystem fs = cluster.getFileSystem();
      String hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Path.of("../data/sample/pairs/train.jsonl")
          .toAbsolutePath().toUri()), new org.apache.hadoop.fs.Path(hdfs + "/data/pairs.jsonl"));
      spark = SparkSession.builder().appName("TrainJobHdfsIT").master("local[2]")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
      String yaml = "model: tiny\nrun_dir: RUN\n"
          + "datasets: [{path: \"" + hdfs + "/data/pairs.jsonl\", fields: {task: section, "
          + "positive: passage}}]\n"
          + "tokenizer: {vocab_size: 300, max_length: 16}\n"
          + "train: {steps: 4, global_batch_size: 8, chunk_size: 8, checkpoint_every: 2}\n";
      String remoteRun = hdfs + "/runs/pre";
      TrainJobConfig remote = YamlConfig.parse(yaml.replace("RUN", "\"" + remoteRun + "\""),
          "t", List.of(), TrainJobConfig.class);
      List<String> log = new ArrayList<>();
      CheckpointBundle uninterrupted = new TrainJob(spark, remote, log::add).run();
      for (String name : List.of("step-00000002/state.json", "step-00000004/state.json",
          "metrics.jsonl", "loss-curve.png", "model/manifest.json")) {
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(remoteRun + "/" + name)), name);
      }
      // The driver died after step 3, before step 4's checkpoint reached HDFS, and its local
      // disk is gone: only HDFS has the run, up to step 2.
      fs.delete(new org.apache.hadoop.fs.Path(remoteRun + "/step-00000004"), true);
      fs.delete(new org.apache.hadoop.fs.Path(remoteRun + "/model"), true);
      AtomicDirectory.deleteRecursively(RunDirectory.open(remoteRun, conf).local());
      CheckpointBundle resumed = new TrainJob(spark, remote, log::add).run();
      assertTrue(log.stream().anyMatch(l -> l.contains("resuming from") && l.contains(
          "step-00000002")), String.join("\n", log));
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(remoteRun + "/step-00000004")));
      for (String name : uninterrupted.parameters().tensors().keySet()) {
        assertArrayEquals(uninterrupted.parameters().get(name).values(),
            resumed.parameters().get(name).values(), name);
      }
      TrainJobConfig fine = YamlConfig.parse(yaml.replace("model: tiny", "stage: finetune\n"
          + "model: \"" + remoteRun + "/model\"").replace("RUN", "\"" + hdfs + "/runs/fine\""),
          "t", List.of("train.steps=1"), TrainJobConfig.class);
      CheckpointBundle finetuned = new TrainJob(spark, fine, line -> { }).run();
      assertTrue(finetuned.tokenizerJson().equals(resumed.tokenizerJson()),
          "finetuned from the model on HDFS");
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(hdfs + "/runs/fine/model")));
    } finally {
      if (spark != null) {
        spark.stop();
      }
      cluster.shutdown();
      AtomicDirectory.deleteRecursively(local);
    }
  }
}
