package io.embedspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.error.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigTest {
  record Inner(Integer tokenBudget, List<Integer> dims) {}

  record Outer(String name, Inner inner) {
    Outer {
      if ("bad".equals(name)) {
        throw new InvalidInputException("name = 'bad' is not allowed");
      }
    }
  }

  @Test
  void snakeCaseKeysBindRecordComponents() {
    Outer o = YamlConfig.parse("name: x\ninner:\n  token_budget: 5\n  dims: [1, 2]\n", "t.yaml",
        List.of(), Outer.class);
    assertEquals("x", o.name());
    assertEquals(5, o.inner().tokenBudget());
    assertEquals(List.of(1, 2), o.inner().dims());
  }

  @Test
  void overridesReplaceAndCreateDottedKeysWithYamlValues() {
    Outer o = YamlConfig.parse("name: x\n", "t.yaml",
        List.of("inner.dims=[8, 16]", "inner.token_budget=7", "name=y"), Outer.class);
    assertEquals("y", o.name());
    assertEquals(7, o.inner().tokenBudget());
    assertEquals(List.of(8, 16), o.inner().dims());
  }

  record Mixture(List<Inner> parts) {}

  @Test
  void overridesStepIntoEntriesOfAList() {
    String yaml = "parts:\n  - {token_budget: 1, dims: [4, 8]}\n  - {token_budget: 2}\n";
    Mixture m = YamlConfig.parse(yaml, "t.yaml", List.of("parts[1].token_budget=9",
        "parts[0].dims[1]=64"), Mixture.class);
    assertEquals(List.of(new Inner(1, List.of(4, 64)), new Inner(9, null)), m.parts());
    assertEquals(List.of(new Inner(1, List.of(4, 8)), new Inner(3, null)), YamlConfig.parse(
        yaml, "t.yaml", List.of("parts[1]={token_budget: 3}"), Mixture.class).parts(),
        "a whole entry is replaced by a mapping");

    InvalidInputException unknown = assertThrows(InvalidInputException.class,
        () -> YamlConfig.parse(yaml, "t.yaml", List.of("parts[1].windw=3"), Mixture.class));
    assertTrue(unknown.getMessage().contains(
        "--set parts[1].windw=3: unknown key 'parts[1].windw'"), unknown.getMessage());
    for (String[] bad : new String[][] {
        {"parts[2].token_budget=1", "parts has 2 entries, so [2] is out of range"},
        {"parts[0].token_budget[0]=1", "parts[0].token_budget is not a list"},
        {"parts[-1].token_budget=1", "the key must look like a.b.c or a[2].b"},
        {"parts.[0]=1", "the key must look like"}, {"[0]=1", "the key must look like"},
        {"parts[0]..dims=1", "the key must look like"}}) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> YamlConfig.parse(yaml, "t.yaml", List.of(bad[0]), Mixture.class), bad[0]);
      assertTrue(e.getMessage().contains("override '" + bad[0] + "': " + bad[1]),
          e.getMessage());
    }
  }

  @Test
  void anUnknownKeyIsNamedWithItsPathAndTheAllowedKeys() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "name: x\ninner:\n  token_budgt: 5\n", "conf/t.yaml", List.of(), Outer.class));
    assertTrue(e.getMessage().contains("conf/t.yaml: unknown key 'inner.token_budgt'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("dims, token_budget"), e.getMessage());
  }

  @Test
  void everyUnknownKeyIsReportedAtOnceAndOverridesAreBlamedForTheirOwn() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "nmae: x\ninner:\n  token_budgt: 5\n  dimz: [1]\n", "conf/t.yaml",
        List.of("inner.windw=3"), Outer.class));
    for (String part : List.of("conf/t.yaml: unknown key 'nmae'",
        "conf/t.yaml: unknown key 'inner.token_budgt'", "conf/t.yaml: unknown key 'inner.dimz'",
        "--set inner.windw=3: unknown key 'inner.windw'")) {
      assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
    }
    InvalidInputException type = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "inner:\n  token_budget: 5\n", "conf/t.yaml", List.of("inner.token_budget=lots"),
        Outer.class));
    assertTrue(type.getMessage().startsWith("--set inner.token_budget=lots: bad value for "
        + "'inner.token_budget'"), type.getMessage());
  }

  @Test
  void aValueOfTheWrongTypeIsNamed() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "inner:\n  token_budget: lots\n", "t.yaml", List.of(), Outer.class));
    assertTrue(e.getMessage().contains("'inner.token_budget'"), e.getMessage());
  }

  @Test
  void everyValueOfTheWrongKindIsReportedAtOnceWithTheUnknownKeys() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "name: [a, b]\ninner:\n  token_budget: 2.5\n  dims: 64\n  windw: 3\n", "conf/t.yaml",
        List.of(), Outer.class));
    for (String part : List.of(
        "conf/t.yaml: bad value for 'name': expected a single value, got a list",
        "conf/t.yaml: bad value for 'inner.token_budget': expected a whole number, got 2.5",
        "conf/t.yaml: bad value for 'inner.dims': expected a list, got 64",
        "conf/t.yaml: unknown key 'inner.windw'")) {
      assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
    }
    Outer lenient = YamlConfig.parse("name: 7\ninner:\n  token_budget: '12'\n", "t.yaml",
        List.of(), Outer.class);
    assertEquals(12, lenient.inner().tokenBudget(), "a whole number written as text binds");
    assertEquals("7", lenient.name(), "a number binds to a text value");
  }

  @Test
  void validationErrorsOfTheRecordKeepTheirMessage() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "name: bad\n", "t.yaml", List.of(), Outer.class));
    assertEquals("t.yaml: name = 'bad' is not allowed", e.getMessage());
  }

  @Test
  void malformedYamlAndOverridesAreReported(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, "name: [unclosed\n");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> YamlConfig.load(f, List.of(), Outer.class));
    assertTrue(e.getMessage().startsWith(f + " is not valid YAML"), e.getMessage());
    assertThrows(InvalidInputException.class, () -> YamlConfig.parse("name: x", "t", List.of(
        "no-equals-sign"), Outer.class));
    assertThrows(InvalidInputException.class,
        () -> YamlConfig.load(tmp.resolve("missing.yaml"), List.of(), Outer.class));
  }
}
