package io.embedspark.eval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MTEB-style JSON-lines task formats: what they read and how bad rows are reported. */
class TaskFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void classificationDropsTestRowsWithLabelsUnseenInTrain() {
    ClassificationTask t = ClassificationTask.of("c", "train.jsonl",
        rows("{\"text\":\"a\",\"label\":\"x\"}", "{\"text\":\"b\",\"label\":\"y\"}"), "test.jsonl",
        rows("{\"text\":\"c\",\"label\":\"x\"}", "{\"text\":\"d\",\"label\":\"z\"}"), "text",
        "label", 10, 8);
    assertEquals(List.of("c"), t.testTexts());
    assertEquals(1, t.droppedTestRows());
    assertEquals("accuracy", t.mainMetric());
  }

  @Test
  void badRowsNameTheFileRowAndField() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> StsTask.of("s", "sts.jsonl", rows("{\"sentence1\":\"a\",\"sentence2\":\"b\","
            + "\"score\":1}", "{\"sentence1\":\"a\",\"sentence2\":\"b\",\"score\":\"high\"}"),
            "sentence1", "sentence2", "score"));
    assertEquals("sts.jsonl row 2: field 'score' must be a number", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> ClusteringTask.of("k", "k.jsonl",
        rows("{\"sentences\":[\"a\",\"b\"],\"labels\":[\"x\"]}"), "sentences", "labels"));
    assertTrue(e.getMessage().startsWith("k.jsonl row 1: 2 sentences and 1 labels"),
        e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> PairClassificationTask.of("p", "p.jsonl",
        rows("{\"sentence1\":\"a\",\"sentence2\":\"b\",\"label\":2}"), "sentence1", "sentence2",
        "label"));
    assertTrue(e.getMessage().contains("must be 0 or 1"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> RerankingTask.of("r", "r.jsonl",
        rows("{\"query\":\"q\",\"positive\":[],\"negative\":[\"n\"]}"), "query", "positive",
        "negative"));
    assertTrue(e.getMessage().contains("row 1: field 'positive' is empty"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> BitextTask.of("b", "b.jsonl",
        rows("{\"en\":\"a\"}"), "xx", "en"));
    assertEquals("b.jsonl row 1: field 'xx' must be a string", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> BitextTask.of("b", "b.jsonl",
        List.of(), "xx", "en"));
    assertEquals("b.jsonl has no rows", e.getMessage());
  }

  @Test
  void fieldNamesAreConfigurable() {
    BitextTask t = BitextTask.of("b", "b.jsonl", rows("{\"en\":\"house\",\"xx\":\"Haus\"}"),
        "xx", "en");
    assertEquals(List.of("Haus"), t.sources());
    assertEquals(List.of("house"), t.targets());
    RerankingTask r = RerankingTask.of("r", "r.jsonl", rows(
        "{\"q\":\"q\",\"pos\":[\"p\"],\"neg\":[\"n1\",\"n2\"]}"), "q", "pos", "neg");
    assertEquals(2, r.items().get(0).negatives().size());
  }

  private static List<JsonNode> rows(String... lines) {
    List<JsonNode> out = new ArrayList<>();
    for (String l : lines) {
      try {
        out.add(JSON.readTree(l));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return out;
  }
}
