package io.embedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.InvalidInputException;
import io.embedspark.eval.tasks.EvaluationContext;
import io.embedspark.eval.tasks.TaskType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A model's own prompts replace the Gemini ones wherever a role, not a template, is named. */
class ModelPromptsTest {
  private static final ModelPrompts E5 = ModelPrompts.ofPrefixes("query: ", "passage: ");

  @Test
  void rolesResolveToTheModelsPromptsAndTemplatesStayAsWritten() {
    assertEquals("query: how to grep", ModelPrompts.resolve("query", E5).apply(null,
        "how to grep"));
    assertEquals("passage: grep searches", ModelPrompts.resolve("document", E5).apply("t",
        "grep searches"));
    assertEquals("x: a", ModelPrompts.resolve("x: {text}", E5).apply(null, "a"),
        "a template of the config's own wins");
    assertEquals("a", ModelPrompts.resolve("none", E5).apply(null, "a"));
    // Negative control: a model without prompts gets Gemini's.
    assertEquals(PromptTemplate.SEARCH_QUERY, ModelPrompts.resolve("query", null));
    assertEquals(PromptTemplate.DOCUMENT, ModelPrompts.resolve("document", null));
  }

  @Test
  void symmetricTasksTakeTheQueryPromptAndDocumentsTheDocumentPrompt() {
    EvaluationContext own = new EvaluationContext(texts -> new float[0][], List.of(4), 1L, E5);
    EvaluationContext gemini = new EvaluationContext(texts -> new float[0][], List.of(4), 1L);
    for (TaskType type : TaskType.values()) {
      assertEquals(E5.queryTemplate(), own.defaultPrompt(type), type.key());
      assertEquals(type.defaultPrompt(), gemini.defaultPrompt(type), type.key());
    }
    assertEquals(E5.documentTemplate(), own.documentPrompt());
    assertEquals(PromptTemplate.DOCUMENT, gemini.documentPrompt());
  }

  @Test
  void trainingGivesEachTaskThePromptsItsEvaluationUses() {
    TaskPrompts gemini = ModelPrompts.training(null);
    assertEquals("de text", gemini.query("bitext", "de text"), "bitext mining embeds bare texts");
    assertEquals("en text", gemini.document("bitext", "en text"));
    assertEquals(PromptTemplate.CLASSIFICATION.apply(null, "a"), gemini.query("classification",
        "a"));
    assertEquals(TaskType.CLASSIFICATION.defaultPrompt().apply(null, "a"),
        gemini.query("classification", "a"), "the eval's classification prompt");
    assertEquals("python", gemini.document("classification", "python"), "the label as it is");
    assertEquals(PromptTemplate.SEARCH_QUERY.apply(null, "q"), gemini.query("retrieval", "q"));
    assertEquals(PromptTemplate.SEARCH_QUERY.apply(null, "q"), gemini.query("python", "q"),
        "an unlisted task is retrieval");
    TaskPrompts own = ModelPrompts.training(E5);
    assertEquals("query: de text", own.query("bitext", "de text"), "the model's own everywhere");
    assertEquals("passage: p", own.document("retrieval", "p"));
  }

  @Test
  void prefixesAreRecognisedAndBadTemplatesRefused() {
    assertArrayEquals(new String[] {"query: ", "passage: "}, E5.prefixes());
    assertNull(new ModelPrompts("q: {text}", "title: {title} | {text}").prefixes(),
        "a title has no sentence-transformers equivalent");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new ModelPrompts("query: ", "passage: {text}"));
    assertTrue(e.getMessage().contains("must contain {text}"), e.getMessage());
  }
}
