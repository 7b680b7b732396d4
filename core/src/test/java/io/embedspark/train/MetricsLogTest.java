package io.embedspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's metrics lines round trip with the resident size, and a line written before the resident
 * size was recorded still reads (a run resumed from an older run directory), without one.
 */
class MetricsLogTest {
  @TempDir Path dir;

  @Test
  void linesRoundTripAndOlderLinesWithoutTheResidentSizeStillRead() throws Exception {
    MetricsLog log = new MetricsLog(dir);
    Files.writeString(log.file(), "{\"step\":1,\"loss\":0.5,\"lossPerDim\":[0.5],"
        + "\"learningRate\":1.0E-4,\"gradNorm\":2.0,\"examplesPerSecond\":3.0,"
        + "\"tokensPerSecond\":300.0,\"seconds\":10.0}\n");
    log.append(new StepMetrics(2, 0.4, List.of(0.4), 1e-4, 1.5, 3.2, 320.0, 9.5, 4710L));
    List<StepMetrics> read = log.read();
    assertEquals(2, read.size());
    assertNull(read.get(0).residentMb());
    assertEquals(4710L, read.get(1).residentMb());
    String older = read.get(0).progressLine(10, List.of(384), 10.0);
    String newer = read.get(1).progressLine(10, List.of(384), 10.0);
    assertFalse(older.contains("rss"), older);
    assertTrue(newer.contains("rss 4.6 GB"), newer);
  }
}
