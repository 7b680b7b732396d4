package io.embedspark.gradcache;

import io.embedspark.backprop.ManualBackprop;
import io.embedspark.nd4j.OpFence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A gradient-cache step's memory grows with the chunk size, not with the batch. Each step of the
 * small preset (32-token sequences, the trainers' {@link ManualBackprop}) runs in a fresh child JVM
 * capped at 512 MB of heap and 1.5 GB of resident memory (JavaCPP's {@code maxphysicalbytes},
 * checked on ND4J's allocations): steps
 * of 256 and 512 pairs in chunks of 32 sequences fit, the 256-pair step as one pass of 512
 * sequences does not (negative control). {@code -Pslow} adds a 4096-pair step under the same cap.
 */
class GradientCacheMemoryTest {
  private static final List<String> CAPS = List.of("-Xmx512m",
      "-Dorg.bytedeco.javacpp.maxphysicalbytes=1500m");

  /** The probe's exit code and output. */
  private record Run(int exitCode, String output) {}

  private static Run probe(int pairs, int chunk) throws IOException, InterruptedException {
    return probe(CAPS, "small", pairs, 32, chunk, 1);
  }

  private static Run probe(List<String> caps, String shape, int pairs, int width, int chunk,
      int steps) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(caps);
    String fence = OpFence.request(); // as this JVM runs: no native crash when the collector runs
    if (!fence.isEmpty()) {
      cmd.add(fence);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        MemoryProbe.class.getName(), shape, "" + pairs, "" + width, "" + chunk, "" + steps));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    String summary = out.lines().filter(l -> l.startsWith("peakMB") || l.contains("too high"))
        .findFirst().orElse("exit " + code);
    System.out.printf("%s: %d gradient-cache steps, %d pairs of %d tokens, chunk %d, capped "
        + "%s: %s%n", shape, steps, pairs, width, chunk, caps, summary);
    return new Run(code, out);
  }

  @Test
  void chunkedStepsFitUnderTheCapWhereTheOnePassStepDoesNot() throws Exception {
    assertEquals(0, probe(256, 32).exitCode(), "256 pairs in chunks of 32");
    assertEquals(0, probe(512, 32).exitCode(), "twice the batch, same chunks, same cap");
    Run onePass = probe(256, 512);
    assertTrue(onePass.exitCode() != 0 && onePass.output().contains("Physical memory usage is "
        + "too high"), "negative control: one pass of 512 sequences exceeds the cap: "
        + onePass.output().lines().filter(l -> l.contains("Error")).findFirst().orElse(""));
  }

  /**
   * The real-shaped case: all-MiniLM-L6-v2's shape (22.7M parameters, 30,522-row table), 256
   * pairs of full 128-token sequences in chunks of 32, two steps with AdamW, peak under 2.5 GB of
   * resident memory in all (JVM, heap, native arrays) with JavaCPP collecting at 2.3 GB; one pass
   * of the 512 sequences does not fit under the same cap (negative control).
   */
  @Test
  void aRealShapedModelTrainsAt256PairsUnder2point5Gigabytes() throws Exception {
    List<String> caps = List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxphysicalbytes=2300m");
    Run chunked = probe(caps, "minilm", 256, 128, 32, 2);
    assertEquals(0, chunked.exitCode(), "256 pairs in chunks of 32: " + chunked.output().lines()
        .filter(l -> l.contains("Error") || l.contains("Exception")).findFirst().orElse(""));
    long peak = chunked.output().lines().filter(l -> l.startsWith("peakMB="))
        .mapToLong(l -> Long.parseLong(l.replaceAll("peakMB=(\\d+).*", "$1"))).findFirst()
        .orElseThrow();
    assertTrue(peak < 2500, "peak resident memory " + peak + " MB");
    Run onePass = probe(caps, "minilm", 256, 128, 512, 1);
    assertTrue(onePass.exitCode() != 0 && onePass.output().contains("Physical memory usage is "
        + "too high"), "negative control: one pass of 512 sequences exceeds the cap");
  }

  @Test
  @Tag("slow")
  void aStepOf4096PairsFitsUnderTheSameCap() throws Exception {
    assertEquals(0, probe(4096, 32).exitCode(), "8192 sequences in chunks of 32");
  }
}
