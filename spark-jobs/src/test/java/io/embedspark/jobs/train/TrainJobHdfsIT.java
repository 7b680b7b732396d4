package io.embedspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.config.YamlConfig;
import io.embedspark.io.AtomicDirectory;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.spark.MiniHdfs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    try (MiniHdfs hdfs = new MiniHdfs()) {
      String pairs = hdfs.upload(Path.of("../data/sample/pairs/train.jsonl"), "/data/pairs.jsonl");
      SparkSession spark = SparkSession.builder().appName("TrainJobHdfsIT").master("local[2]")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
      try {
        String yaml = "model: tiny\nrun_dir: RUN\n"
            + "datasets: [{path: \"" + pairs + "\", fields: {task: section, "
            + "positive: passage}}]\n"
            + "tokenizer: {vocab_size: 300, max_length: 16}\n"
            + "train: {steps: 4, global_batch_size: 8, chunk_size: 8, checkpoint_every: 2}\n";
        String remoteRun = hdfs.uri("/runs/pre");
        TrainJobConfig remote = YamlConfig.parse(yaml.replace("RUN", "\"" + remoteRun + "\""),
            "t", List.of(), TrainJobConfig.class);
        List<String> log = new ArrayList<>();
        CheckpointBundle uninterrupted = new TrainJob(spark, remote, log::add).run();
        for (String name : List.of("step-00000002/state.json", "step-00000004/state.json",
            "metrics.jsonl", "loss-curve.png", "model/manifest.json")) {
          assertTrue(hdfs.exists("/runs/pre/" + name), name);
        }
        // The driver died after step 3, before step 4's checkpoint reached HDFS, and its local
        // disk is gone: only HDFS has the run, up to step 2.
        hdfs.fs().delete(new org.apache.hadoop.fs.Path(remoteRun + "/step-00000004"), true);
        hdfs.fs().delete(new org.apache.hadoop.fs.Path(remoteRun + "/model"), true);
        AtomicDirectory.deleteRecursively(RunDirectory.open(remoteRun, hdfs.conf()).local());
        CheckpointBundle resumed = new TrainJob(spark, remote, log::add).run();
        assertTrue(log.stream().anyMatch(l -> l.contains("resuming from") && l.contains(
            "step-00000002")), String.join("\n", log));
        assertTrue(hdfs.exists("/runs/pre/step-00000004"));
        for (String name : uninterrupted.parameters().tensors().keySet()) {
          assertArrayEquals(uninterrupted.parameters().get(name).values(),
              resumed.parameters().get(name).values(), name);
        }
        TrainJobConfig fine = YamlConfig.parse(yaml.replace("model: tiny", "stage: finetune\n"
            + "model: \"" + remoteRun + "/model\"").replace("RUN", "\"" + hdfs.uri("/runs/fine")
            + "\""), "t", List.of("train.steps=1"), TrainJobConfig.class);
        CheckpointBundle finetuned = new TrainJob(spark, fine, line -> { }).run();
        assertTrue(finetuned.tokenizerJson().equals(resumed.tokenizerJson()),
            "finetuned from the model on HDFS");
        assertTrue(hdfs.exists("/runs/fine/model"));
      } finally {
        spark.stop();
      }
    }
  }
}
