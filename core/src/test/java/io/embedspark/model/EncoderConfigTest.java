package io.embedspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.JsonFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests {@link EncoderConfig#problems(String)} and {@link EncoderPresets}. */
class EncoderConfigTest {

  private static EncoderConfig base(int hidden, int heads, int outputDim, List<Integer> dims) {
    return new EncoderConfig(30522, hidden, 12, heads, 3072, 512, 2, 1e-12, 0.1, 0.1, outputDim,
        dims);
  }

  private static void assertHasProblem(List<String> problems, String expected) {
    assertTrue(problems.contains(expected), "expected the problem '" + expected + "' in "
        + problems);
  }

  @Test
  void validConfigHasNoProblems() {
    assertEquals(List.of(), base(768, 12, 768, List.of(128, 256, 768)).problems("model."),
        "BERT-base shapes with ascending dims ending at outputDim");
  }

  @Test
  void listsEveryProblemAtOnceWithDottedKeysAndValues() {
    EncoderConfig c = base(770, 12, 768, List.of(512, 256, 1024));
    List<String> p = c.problems("model.");
    assertHasProblem(p, "model.numHeads = 12 does not divide model.hiddenSize = 770");
    assertHasProblem(p, "model.matryoshkaDims[1] = 256 must be larger than the previous dim 512");
    assertHasProblem(p, "model.matryoshkaDims[2] = 1024 exceeds model.outputDim = 768");
    assertHasProblem(p, "model.matryoshkaDims ends with 1024 but must end with "
        + "model.outputDim = 768");
    assertEquals(4, p.size(), "exactly these four problems: " + p);
  }

  @Test
  void headsMustDivideHidden() {
    List<String> p = base(100, 3, 100, List.of(100)).problems("model.");
    assertEquals(List.of("model.numHeads = 3 does not divide model.hiddenSize = 100"), p,
        "100 is not a multiple of 3");
  }

  @Test
  void matryoshkaDimsMustAscendStrictly() {
    List<String> p = base(768, 12, 768, List.of(256, 256, 768)).problems("model.");
    assertEquals(List.of("model.matryoshkaDims[1] = 256 must be larger than the previous dim 256"),
        p, "a repeated dim is not ascending");
  }

  @Test
  void lastMatryoshkaDimMustBeOutputDim() {
    List<String> p = base(768, 12, 768, List.of(128, 512)).problems("model.");
    assertEquals(List.of("model.matryoshkaDims ends with 512 but must end with "
        + "model.outputDim = 768"), p, "the full embedding must be one of the dims");
  }

  @Test
  void emptyMatryoshkaDimsAreAProblem() {
    List<String> p = base(768, 12, 768, List.of()).problems("model.");
    assertEquals(List.of("model.matryoshkaDims is empty; give at least [768]"), p,
        "the message suggests the fix");
  }

  @Test
  void nonPositiveSizesRatesAndEpsAreNamed() {
    EncoderConfig c = new EncoderConfig(0, 32, -1, 2, 64, 64, 2, 0.0, 1.0, -0.1, 16,
        List.of(0, 16));
    List<String> p = c.problems("m.");
    assertHasProblem(p, "m.vocabSize = 0 must be positive");
    assertHasProblem(p, "m.numLayers = -1 must be positive");
    assertHasProblem(p, "m.layerNormEps = 0.0 must be in (0, 1)");
    assertHasProblem(p, "m.hiddenDropout = 1.0 must be in [0, 1)");
    assertHasProblem(p, "m.attentionDropout = -0.1 must be in [0, 1)");
    assertHasProblem(p, "m.matryoshkaDims[0] = 0 must be positive");
    assertEquals(6, p.size(), "one entry per broken rule: " + p);
  }

  @Test
  void prefixIsUsedVerbatim() {
    List<String> p = base(768, 12, 768, List.of(512)).problems("");
    assertEquals(List.of("matryoshkaDims ends with 512 but must end with outputDim = 768"), p,
        "an empty prefix gives bare keys");
  }

  @Test
  void presetsAreValid() {
    for (String name : List.of("tiny", "small", "base")) {
      EncoderConfig c = EncoderPresets.byName(name);
      assertEquals(List.of(), c.problems("model."), "preset " + name + " must be valid");
      assertEquals(c.hiddenSize(), c.headSize() * c.numHeads(), "preset " + name + " heads");
    }
  }

  @Test
  void presetLookupIgnoresCase() {
    assertEquals(EncoderPresets.tiny(), EncoderPresets.byName("TINY"), "TINY is tiny");
    assertEquals(EncoderPresets.base(), EncoderPresets.byName("Base"), "Base is base");
  }

  @Test
  void unknownPresetNamesTheValue() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> EncoderPresets.byName("nope"), "no preset called nope");
    assertTrue(e.getMessage().contains("'nope'"), "message names the value: " + e.getMessage());
    assertTrue(e.getMessage().contains("tiny, small, base"), "message lists the choices: "
        + e.getMessage());
  }

  @Test
  void withersChangeOnlyTheirFields() {
    EncoderConfig tiny = EncoderPresets.tiny();
    EncoderConfig v = tiny.withVocabSize(77);
    assertEquals(77, v.vocabSize(), "new vocabulary size");
    assertEquals(tiny, v.withVocabSize(tiny.vocabSize()), "nothing else changed");
    EncoderConfig o = tiny.withOutput(8, List.of(4, 8));
    assertEquals(List.of(4, 8), o.matryoshkaDims(), "new dims");
    assertEquals(8, o.outputDim(), "new output dim");
    EncoderConfig d = tiny.withoutDropout();
    assertEquals(0.0, d.hiddenDropout(), "no hidden dropout");
    assertEquals(0.0, d.attentionDropout(), "no attention dropout");
    assertEquals(tiny.hiddenSize(), d.hiddenSize(), "shape kept");
  }

  @Test
  void matryoshkaDimsAreCopied() {
    List<Integer> dims = new ArrayList<>(List.of(8, 16));
    EncoderConfig c = EncoderPresets.tiny().withOutput(16, dims);
    dims.add(32);
    assertEquals(List.of(8, 16), c.matryoshkaDims(), "later changes to the list do not leak in");
  }

  @Test
  void jsonRoundTripOmitsHeadSize() throws Exception {
    EncoderConfig small = EncoderPresets.small();
    JsonNode tree = JsonFiles.MAPPER.valueToTree(small);
    assertFalse(tree.has("headSize"), "headSize is derived, not a key: " + tree);
    assertEquals(small, JsonFiles.MAPPER.treeToValue(tree, EncoderConfig.class),
        "the strict mapper reads back what it wrote");
  }
}
