package io.embedspark.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Prints a job's progress on the driver: tasks done per running stage, at most every
 * {@code intervalSeconds}, and when a stage ends. Register it for the length of a job and
 * remove it afterwards.
 */
public final class ProgressListener extends SparkListener {
  private final String prefix;
  private final Consumer<String> out;
  private final long intervalNanos;
  private final long started = System.nanoTime();
  private final Map<Integer, int[]> stages = new ConcurrentHashMap<>();
  private volatile long lastPrint;

  public ProgressListener(String prefix, Consumer<String> out, double intervalSeconds) {
    this.prefix = prefix;
    this.out = out;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
    this.lastPrint = System.nanoTime();
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    stages.put(event.stageInfo().stageId(), new int[] {0, event.stageInfo().numTasks()});
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    int[] s = stages.get(event.stageId());
    if (s == null) {
      return;
    }
    synchronized (s) {
      s[0]++;
    }
    long now = System.nanoTime();
    if (now - lastPrint >= intervalNanos) {
      lastPrint = now;
      out.accept(String.format(java.util.Locale.ROOT, "%s: stage %d, %d of %d tasks done, "
          + "%.0f s elapsed", prefix, event.stageId(), s[0], s[1], (now - started) / 1e9));
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    StageInfo info = event.stageInfo();
    int[] s = stages.remove(info.stageId());
    if (s != null && s[1] > 1) {
      out.accept(String.format(java.util.Locale.ROOT, "%s: stage %d (%s) finished, %d tasks, "
          + "%.0f s elapsed", prefix, info.stageId(), info.name().replaceAll(" at .*", ""),
          s[1], (System.nanoTime() - started) / 1e9));
    }
  }
}
