package io.embedspark.eval.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes an evaluation's outputs into one folder: {@code report.json}, {@code report.md} and its
 * plots {@code plots/dims.png} and {@code plots/tasks.png}.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /**
   * @param compared other models' reports by name, shown beside the model; null or empty for
   *     none
   * @return the path of {@code report.md}
   */
  public static Path write(EvalReport report, Map<String, EvalReport> compared, Path dir) {
    Map<String, EvalReport> others = compared == null ? Map.of() : compared;
    String text = ReportMarkdown.build(report, others);
    report.write(dir.resolve("report.json"));
    ReportPlots.write(report, others, dir.resolve(ReportPlots.DIR));
    Path md = dir.resolve("report.md");
    try {
      Files.writeString(md, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + md, e);
    }
    return md;
  }
}
