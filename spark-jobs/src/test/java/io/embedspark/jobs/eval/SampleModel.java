package io.embedspark.jobs.eval;

import io.embedspark.data.JsonlTexts;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.PresetModels;
import io.embedspark.testing.TestWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** What the eval tests share: a tiny model of the bundled sample and a local Spark session. */
public final class SampleModel {
  public static final Path SAMPLE = Path.of("../data/sample");

  private SampleModel() {}

  /**
   * Writes the tiny preset, with a vocabulary from the sample's pairs and spread weights (so
   * texts embed apart), as a bundle in {@code dir}.
   */
  public static Path write(Path dir) {
    List<String> texts = new ArrayList<>(JsonlTexts.texts(SAMPLE.resolve("pairs/train.jsonl"),
        "query", "passage"));
    CheckpointBundle init = PresetModels.initialise("tiny", texts.subList(0, 800), 400, 32, 3L,
        "sample");
    init.with(TestWeights.spread(init.parameters(), init.config().model(), 0.3, 5),
        init.provenance()).write(dir, true);
    return dir;
  }

  /** Spark local[2] on the loopback address, small partitions so files split. */
  static SparkSession spark(String app) {
    return SparkSession.builder().appName(app).master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "3")
        .config("spark.sql.files.maxPartitionBytes", "65536")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }
}
