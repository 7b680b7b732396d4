package io.embedspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BEIR reader and the BM25 baseline on a small task, and on the bundled sample. */
class Bm25RetrieverTest {
  private static Path task(Path dir, String qrels) throws IOException {
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(dir.resolve("corpus.jsonl"), String.join("\n",
        "{\"_id\": \"d1\", \"title\": \"\", \"text\": \"a terminal emulator for the desktop\"}",
        "{\"_id\": \"d2\", \"title\": \"Office\", \"text\": \"shared library for the suite\"}",
        "{\"_id\": \"d3\", \"title\": \"\", \"text\": \"Bibliothèque partagée pour la suite\"}"));
    Files.writeString(dir.resolve("queries.jsonl"), String.join("\n",
        "{\"_id\": \"q1\", \"text\": \"terminal emulator\"}",
        "{\"_id\": \"q2\", \"text\": \"office library\"}",
        "{\"_id\": \"q3\", \"text\": \"not judged\"}"));
    Files.writeString(dir.resolve("qrels/test.tsv"), qrels);
    return dir;
  }

  @Test
  void lexicalMatchesRankFirstAndUnjudgedQueriesAreDropped(@TempDir Path tmp) throws IOException {
    BeirTask t = BeirTask.read(task(tmp.resolve("tiny"), "query-id\tcorpus-id\tscore\n"
        + "q1\td1\t1\nq2\td2\t2\n"), "test");
    assertEquals(Map.of("q1", "terminal emulator", "q2", "office library"), t.queries());
    Map<String, List<Hit>> runs = Bm25Retriever.search(t, 10);
    assertEquals("d1", runs.get("q1").get(0).id());
    assertEquals("d2", runs.get("q2").get(0).id(), "the title is indexed too");
    assertEquals(1.0, RetrievalMetrics.evaluate(runs, t.qrels(), List.of(1)).get("ndcg@1"));
  }

  @Test
  void badQrelsAreNamedByFileAndLine(@TempDir Path tmp) throws IOException {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> BeirTask.read(
        task(tmp.resolve("bad"), "query-id\tcorpus-id\tscore\nq1\td1\tyes\n"), "test"));
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'yes'"),
        e.getMessage());
  }

  @Test
  void bm25OnTheBundledSampleIsAStrongBaseline() {
    BeirTask t = BeirTask.read(Path.of("../data/sample/retrieval"), "test");
    Map<String, Double> m = RetrievalMetrics.evaluate(Bm25Retriever.search(t, 100), t.qrels(),
        List.of(10));
    assertEquals(208, t.queries().size());
    assertTrue(m.get("ndcg@10") > 0.8, "package names and descriptions share words: " + m);
  }
}
