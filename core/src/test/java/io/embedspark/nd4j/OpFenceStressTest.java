package io.embedspark.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash the fenced executioner prevents, provoked: {@link OpStress} in a child JVM with a
 * small young generation, once with ND4J's own CPU executioner (the negative control: it dies,
 * in {@code sd::DataBuffer::primary()}, within a few minutes on 2 cores) and once fenced (it
 * runs past the op count at which the control died, up to three times it or the time limit, and
 * lives). Slow and timing-dependent, so in {@code -Pslow} only.
 */
@Tag("slow")
class OpFenceStressTest {
  private static final long MAX_SECONDS = 240;

  @TempDir
  Path dir;

  @Test
  void theFencedExecutionerSurvivesWhatKillsNd4jsOwn() throws Exception {
    Run plain = run("org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner", Long.MAX_VALUE);
    assertNotEquals(0, plain.exit(), "ND4J's own executioner survived " + MAX_SECONDS
        + " s: the control did not provoke the crash\n" + plain.output());
    assertTrue(plain.crashReport().contains("sd::DataBuffer::primary()"), plain.crashReport());
    long reached = plain.ops();
    Run fenced = run(OpFence.EXECUTIONER, Math.max(3 * reached, 200_000));
    assertEquals(0, fenced.exit(), fenced.output() + fenced.crashReport());
    assertTrue(fenced.survived() > reached, "the fenced JVM stopped after " + fenced.survived()
        + " ops, before the " + reached + " at which ND4J's own died");
    System.out.println("ND4J's own executioner died after " + reached + " ops; the fenced one "
        + "survived " + fenced.survived());
  }

  private record Run(int exit, String output, String crashReport) {
    /** The ops of a run that ended normally, 0 for one that did not. */
    long survived() {
      return output.lines().filter(l -> l.startsWith("survived "))
          .mapToLong(l -> Long.parseLong(l.split(" ")[1])).findFirst().orElse(0);
    }

    /** The last progress count printed before the end, 0 when none. */
    long ops() {
      long last = 0;
      for (String line : output.split("\n")) {
        if (line.startsWith("ops ")) {
          last = Long.parseLong(line.substring(4).trim());
        }
      }
      return last;
    }
  }

  private Run run(String executioner, long ops) throws IOException, InterruptedException {
    Path work = Files.createDirectories(dir.resolve(executioner.replace('.', '_')));
    Path out = work.resolve("out.txt");
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java";
    Process p = new ProcessBuilder(List.of(java, "-XX:+UseParallelGC", "-Xmn4m", "-Xmx512m",
        "-Dopexec=" + executioner, "-cp", System.getProperty("java.class.path"),
        OpStress.class.getName(), Long.toString(ops), Long.toString(MAX_SECONDS)))
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(MAX_SECONDS + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    String report = "";
    try (var files = Files.list(work)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList()) {
        report = Files.readString(f);
      }
    }
    return new Run(p.exitValue(), Files.readString(out), report);
  }
}
