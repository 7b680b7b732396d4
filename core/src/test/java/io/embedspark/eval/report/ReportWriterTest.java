package io.embedspark.eval.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.JsonFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static EvalReport model() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("retrieval-task/ndcg@10/d8", 0.5);
    metrics.put("retrieval-task/ndcg@10/d16", 0.6);
    metrics.put("retrieval-task/ndcg@1/d8", 0.3);
    metrics.put("retrieval-task/ndcg@1/d16", 0.4);
    metrics.put("retrieval-task/recall@10/d8", 0.7);
    metrics.put("retrieval-task/recall@10/d16", 0.8);
    metrics.put("retrieval-task/recall@5/d16", 0.65);
    metrics.put("classification-task/accuracy/d8", 0.75);
    metrics.put("classification-task/accuracy/d16", 0.8);
    metrics.put("classification-task/f1/d8", 0.7);
    metrics.put("classification-task/f1/d16", 0.78);
    return new EvalReport("my-model", List.of(16, 8),
        Map.of("retrieval-task", "retrieval", "classification-task", "classification"),
        Map.of("retrieval-task", "ndcg@10", "classification-task", "accuracy"), metrics,
        Map.of("bm25", Map.of("retrieval-task/ndcg@10", 0.55, "retrieval-task/recall@10", 0.9,
            "retrieval-task/mrr@10", 0.6)),
        Map.of("queries", 3, "seconds", 1.5));
  }

  /** A compared model without the classification task. */
  private static EvalReport other() {
    return new EvalReport("other-bundle", List.of(32), Map.of("retrieval-task", "retrieval"),
        Map.of("retrieval-task", "ndcg@10"), Map.of("retrieval-task/ndcg@10/d32", 0.65),
        Map.of(), null);
  }

  private static EvalReport tiny() {
    return new EvalReport("tiny-bundle", List.of(4),
        Map.of("retrieval-task", "retrieval", "classification-task", "classification"),
        Map.of("retrieval-task", "ndcg@10", "classification-task", "accuracy"),
        Map.of("retrieval-task/ndcg@10/d4", 0.3, "classification-task/accuracy/d4", 0.8),
        Map.of(), null);
  }

  private static Map<String, EvalReport> compared() {
    Map<String, EvalReport> c = new LinkedHashMap<>();
    c.put("tiny", tiny());
    c.put("other", other());
    return c;
  }

  @Test
  void perQueryValuesRoundTripAndGivePairedDifferencesAgainstComparedModels(@TempDir Path dir)
      throws Exception {
    EvalReport m = model();
    EvalReport withQueries = new EvalReport(m.model(), m.dims(), m.tasks(), m.mainMetrics(),
        m.metrics(), m.baselines(), m.details(), Map.of("retrieval-task/ndcg@10/d16",
            Map.of("q1", 1.0, "q2", 0.5, "q3", 0.0)));
    EvalReport o = other();
    EvalReport otherWithQueries = new EvalReport(o.model(), o.dims(), o.tasks(),
        o.mainMetrics(), o.metrics(), o.baselines(), o.details(), Map.of(
            "retrieval-task/ndcg@10/d32", Map.of("q1", 0.5, "q2", 0.5, "q3", 0.0, "q4", 1.0)));
    Map<String, EvalReport> compared = new LinkedHashMap<>(compared());
    compared.put("other", otherWithQueries);
    ReportWriter.write(withQueries, compared, dir);
    assertEquals(withQueries, EvalReport.read(dir.resolve("report.json")));
    // Differences 0.5, 0, 0 on the three shared queries: scipy.stats.ttest_rel gives
    // p = 0.42265 and the 95% interval [-0.55044, 0.88378]. tiny has no per-query values.
    assertContainsLines(Files.readString(dir.resolve("report.md")),
        "| task | compared with | items | difference | 95% CI | p |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        "| retrieval-task | other | 3 | +0.1667 | [-0.5504, +0.8838] | 0.42 |");

    ReportWriter.write(model(), compared, dir.resolve("without"));
    assertFalse(Files.readString(dir.resolve("without/report.md")).contains("Paired"),
        "negative control: no per-query values of its own, no paired differences");
    JsonNode old = JsonFiles.MAPPER.readTree(dir.resolve("report.json").toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) old).remove("perQuery");
    Files.writeString(dir.resolve("old.json"), old.toString());
    assertTrue(EvalReport.read(dir.resolve("old.json")).perQuery().isEmpty(),
        "a report written before per-query values reads");
  }

  @Test
  void writesJsonMarkdownAndPlots(@TempDir Path dir) throws Exception {
    EvalReport report = model();
    Path md = ReportWriter.write(report, compared(), dir);

    assertEquals(dir.resolve("report.md"), md);
    assertEquals(report, EvalReport.read(dir.resolve("report.json")));
    JsonNode json = JsonFiles.MAPPER.readTree(dir.resolve("report.json").toFile());
    for (String field : List.of("tasks", "mainMetrics", "metrics", "baselines", "details")) {
      assertSorted(json.get(field));
    }
    assertSorted(json.get("baselines").get("bm25"));

    String text = Files.readString(md);
    assertTrue(text.startsWith("# Evaluation of my-model\n"), text);
    assertContainsLines(text,
        "| task | d8 | d16 |",
        "| --- | ---: | ---: |",
        "| classification-task | 0.7500 | 0.8000 |",
        "| retrieval-task | 0.5000 | 0.6000 |");
    assertContainsLines(text,
        "| task | metric | my-model (d16) | bm25 | other (d32) | tiny (d4) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        "| classification-task | accuracy | 0.8000 | - | - | 0.8000 |",
        "| retrieval-task | ndcg@10 | 0.6000 | 0.5500 | 0.6500 | 0.3000 |");
    // Retrieval at d16 against BM25: families ndcg, recall, map, mrr, each by cutoff.
    assertContainsLines(text,
        "### retrieval-task",
        "",
        "| metric | my-model (d16) | bm25 |",
        "| --- | ---: | ---: |",
        "| ndcg@1 | 0.4000 | - |",
        "| ndcg@10 | 0.6000 | 0.5500 |",
        "| recall@5 | 0.6500 | - |",
        "| recall@10 | 0.8000 | 0.9000 |",
        "| mrr@10 | - | 0.6000 |");
    assertFalse(text.contains("### classification-task"), text);
    // Borda by hand. retrieval-task (ndcg@10): other 0.65 > my-model 0.6 > bm25 0.55 > tiny 0.3,
    // so other 3, my-model 2, bm25 1, tiny 0. classification-task (accuracy): my-model 0.8 ties
    // tiny 0.8, 0.5 each; bm25 and other have none. Totals: other 3, my-model 2.5, bm25 1,
    // tiny 0.5.
    assertContainsLines(text,
        "| rank | model | points |",
        "| --- | --- | ---: |",
        "| 1 | other (d32) | 3.0 |",
        "| 2 | my-model (d16) | 2.5 |",
        "| 3 | bm25 | 1.0 |",
        "| 4 | tiny (d4) | 0.5 |");
    assertTrue(text.contains("![Main metric by Matryoshka dimension](plots/dims.png)"), text);
    assertTrue(text.contains("](plots/tasks.png)"), text);
    assertTrue(text.contains("All metrics are in report.json."), text);

    assertPng(dir.resolve("plots/dims.png"));
    assertPng(dir.resolve("plots/tasks.png"));
  }

  @Test
  void textDoesNotDependOnTheOrderOfComparedModels() {
    Map<String, EvalReport> reversed = new LinkedHashMap<>();
    reversed.put("other", other());
    reversed.put("tiny", tiny());
    assertEquals(ReportMarkdown.build(model(), compared()), ReportMarkdown.build(model(),
        reversed));
  }

  @Test
  void plotsWithMissingScoresAndWithoutAnyScores(@TempDir Path dir) throws Exception {
    // The main metric of one task is missing at d8, and "other" has no classification score.
    Map<String, Double> metrics = new LinkedHashMap<>(model().metrics());
    metrics.remove("classification-task/accuracy/d8");
    EvalReport gappy = new EvalReport("gappy", List.of(8, 16), model().tasks(),
        model().mainMetrics(), metrics, model().baselines(), null);
    List<Path> plots = ReportPlots.write(gappy, Map.of("other", other()), dir.resolve("a"));
    assertEquals(List.of(dir.resolve("a/dims.png"), dir.resolve("a/tasks.png")), plots);
    plots.forEach(ReportWriterTest::assertPng);

    EvalReport empty = new EvalReport("empty", List.of(), Map.of(), Map.of(), Map.of(),
        Map.of(), null);
    Path md = ReportWriter.write(empty, null, dir.resolve("b"));
    assertPng(dir.resolve("b/plots/dims.png"));
    assertPng(dir.resolve("b/plots/tasks.png"));
    assertTrue(Files.readString(md).contains("All metrics are in report.json."));
  }

  @Test
  void aModelWithOneDimensionGetsItsReportAndPlots(@TempDir Path dir) throws Exception {
    for (int dim : new int[] {16, 384, 768}) {
      Map<String, Double> metrics = new LinkedHashMap<>();
      model().metrics().forEach((k, v) -> {
        if (k.endsWith("/d16")) {
          metrics.put(k.replace("/d16", "/d" + dim), v);
        }
      });
      EvalReport r = new EvalReport("single", List.of(dim), model().tasks(),
          model().mainMetrics(), metrics, model().baselines(), null);
      Path out = dir.resolve("d" + dim);
      assertEquals(out.resolve("report.md"), ReportWriter.write(r, Map.of(), out));
      assertPng(out.resolve("plots/dims.png"));
    }
  }

  @Test
  void contendersMustHaveDistinctNames(@TempDir Path dir) {
    assertThrows(InvalidInputException.class,
        () -> ReportWriter.write(model(), Map.of("bm25", other()), dir));
    assertFalse(Files.exists(dir.resolve("report.json")));
  }

  private static void assertSorted(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    assertFalse(names.isEmpty());
    assertEquals(names.stream().sorted().toList(), names);
  }

  private static void assertContainsLines(String text, String... lines) {
    String block = String.join("\n", lines) + "\n";
    assertTrue(text.contains(block), () -> "missing\n" + block + "in\n" + text);
  }

  private static void assertPng(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      assertTrue(bytes.length > PNG_MAGIC.length, file + " is empty");
      assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, PNG_MAGIC.length), file.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
