package io.embedspark.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a job's YAML configuration into a record. Keys are snake_case ({@code token_budget} binds
 * the record component {@code tokenBudget}); an unknown key, a value of the wrong type or a
 * malformed file is an {@link InvalidInputException} naming the file and the dotted key, with the
 * keys that are allowed there; every unknown key and every value of the wrong kind is reported at
 * once. Overrides ({@code output.path=/tmp/x}, {@code datasets[1].weight=2}: an entry of a list
 * the file has) replace values before binding; their values are YAML, so {@code dims=[64,128]}
 * and {@code int8=true} work.
 */
public final class YamlConfig {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** One step of an override's key: {@code .name} (or a leading name) or {@code [index]}. */
  private static final Pattern STEP = Pattern.compile("\\.?([^.\\[\\]]+)|\\[(\\d{1,9})\\]");

  private YamlConfig() {}

  /** Reads {@code file}, applies {@code overrides} ({@code dotted.key=yaml value}) and binds. */
  public static <T> T load(Path file, List<String> overrides, Class<T> type) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read config " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString(), overrides, type);
  }

  /** As {@link #load}, from text; {@code source} names it in messages. */
  public static <T> T parse(String yaml, String source, List<String> overrides, Class<T> type) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(source + " is not valid YAML: "
          + e.getOriginalMessage() + location(e), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = JsonNodeFactory.instance.objectNode();
    }
    if (!root.isObject()) {
      throw new InvalidInputException(source + " must be a mapping of keys to values");
    }
    java.util.Map<String, String> overridden = new java.util.LinkedHashMap<>();
    for (String override : overrides) {
      overridden.put(apply((ObjectNode) root, override), override);
    }
    List<String> unknown = new java.util.ArrayList<>();
    unknownKeys(root, type, "", unknown);
    if (!unknown.isEmpty()) {
      throw new InvalidInputException(unknown.stream()
          .map(u -> blame(u.substring(0, u.indexOf('\t')), source, overridden) + ": "
              + u.substring(u.indexOf('\t') + 1))
          .collect(Collectors.joining("; ")));
    }
    try {
      return YAML.treeToValue(root, type);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new InvalidInputException(blame(path(e), source, overridden) + ": unknown key '"
          + path(e) + "'" + (known.isEmpty() ? "" : " (allowed here: " + known + ")"), e);
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() instanceof InvalidInputException ? e.getCause() : e;
      if (cause instanceof InvalidInputException invalid) {
        throw new InvalidInputException(source + ": " + invalid.getMessage(), invalid);
      }
      throw new InvalidInputException(blame(path(e), source, overridden) + ": bad value for '"
          + path(e) + "': " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(source + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Who set a dotted key: the override that set it or one of its parents, else the file. */
  private static String blame(String key, String source, java.util.Map<String, String> overridden) {
    for (java.util.Map.Entry<String, String> o : overridden.entrySet()) {
      if (key.equals(o.getKey()) || key.startsWith(o.getKey() + ".")
          || key.startsWith(o.getKey() + "[")) {
        return "--set " + o.getValue();
      }
    }
    return source;
  }

  /**
   * Every key of {@code node} that {@code type} (a record, nested records and lists of them) has
   * no component for, as {@code "dotted.key\tmessage"}, so all are reported at once.
   */
  private static void unknownKeys(JsonNode node, java.lang.reflect.Type type, String prefix,
      List<String> out) {
    Class<?> raw = type instanceof Class<?> c ? c
        : type instanceof java.lang.reflect.ParameterizedType p ? (Class<?>) p.getRawType() : null;
    if (raw == null || node == null) {
      return;
    }
    if (List.class.isAssignableFrom(raw) && node.isArray()
        && type instanceof java.lang.reflect.ParameterizedType p) {
      for (int i = 0; i < node.size(); i++) {
        unknownKeys(node.get(i), p.getActualTypeArguments()[0], prefix + "[" + i + "]", out);
      }
      return;
    }
    if (!raw.isRecord() || !node.isObject()) {
      return;
    }
    java.util.Map<String, java.lang.reflect.Type> components = new java.util.TreeMap<>();
    for (java.lang.reflect.RecordComponent c : raw.getRecordComponents()) {
      components.put(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName()),
          c.getGenericType());
    }
    node.fieldNames().forEachRemaining(name -> {
      String key = prefix.isEmpty() ? name : prefix + "." + name;
      if (!components.containsKey(name)) {
        out.add(key + "\tunknown key '" + key + "' (allowed here: "
            + String.join(", ", components.keySet()) + ")");
        return;
      }
      String wrong = typeProblem(node.get(name), components.get(name));
      if (wrong != null) {
        out.add(key + "\tbad value for '" + key + "': " + wrong);
      } else {
        unknownKeys(node.get(name), components.get(name), key, out);
      }
    });
  }

  /**
   * What is wrong with a value's type for a component of type {@code type}, or null: caught
   * before binding, so every key with a value of the wrong kind is reported at once. Numbers
   * written as text and {@code true}/{@code false} as text are accepted, as the binder accepts
   * them; a fractional number is not a whole number.
   */
  private static String typeProblem(JsonNode v, java.lang.reflect.Type type) {
    Class<?> raw = type instanceof Class<?> c ? c
        : type instanceof java.lang.reflect.ParameterizedType p ? (Class<?>) p.getRawType() : null;
    if (v == null || v.isNull() || raw == null) {
      return null;
    }
    String text = v.isTextual() ? v.asText().trim() : null;
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
      boolean whole = v.isIntegralNumber() || (text != null && text.matches("[-+]?\\d+"));
      return whole ? null : "expected a whole number, got " + shown(v);
    }
    if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
      boolean number = v.isNumber() || (text != null
          && text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?"));
      return number ? null : "expected a number, got " + shown(v);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      boolean bool = v.isBoolean() || "true".equals(text) || "false".equals(text);
      return bool ? null : "expected true or false, got " + shown(v);
    }
    if (raw == String.class) {
      return v.isValueNode() ? null : "expected a single value, got " + shown(v);
    }
    if (List.class.isAssignableFrom(raw)) {
      return v.isArray() ? null : "expected a list, got " + shown(v);
    }
    if (raw.isRecord() || java.util.Map.class.isAssignableFrom(raw)) {
      return v.isObject() ? null : "expected a mapping of keys to values, got " + shown(v);
    }
    return null;
  }

  private static String shown(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.isTextual() ? "'" + v.asText() + "'" : v.toString();
  }

  /**
   * Sets {@code a.b.c=value} in the tree, creating mappings on the way; {@code datasets[2].path}
   * steps into an entry of an existing list. Returns the key.
   */
  private static String apply(ObjectNode root, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new InvalidInputException("override '" + override + "' must look like key=value");
    }
    String key = override.substring(0, eq).trim();
    List<Object> steps = steps(key, override);
    JsonNode value;
    try {
      value = YAML.readTree(override.substring(eq + 1));
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("override '" + override + "': value is not valid YAML", e);
    }
    if (value == null || value.isMissingNode()) {
      value = JsonNodeFactory.instance.nullNode();
    }
    JsonNode node = root;
    String at = "";
    for (int i = 0; i < steps.size() - 1; i++) {
      node = child(node, steps.get(i), steps.get(i + 1) instanceof Integer, at, override);
      at = at(at, steps.get(i));
    }
    Object last = steps.get(steps.size() - 1);
    if (last instanceof String name) {
      ((ObjectNode) node).set(name, value);
    } else {
      ((ArrayNode) node).set(entry(node, (Integer) last, at, override), value);
    }
    return key;
  }

  /**
   * The child at {@code step} of a mapping or list (at the dotted key {@code before}), which
   * must itself be a list when {@code list}; else a mapping, created (replacing a scalar) when
   * absent.
   */
  private static JsonNode child(JsonNode node, Object step, boolean list, String before,
      String override) {
    JsonNode child = step instanceof String name ? node.get(name)
        : node.get(entry(node, (Integer) step, before, override));
    if (list) {
      if (child == null || !child.isArray()) {
        throw new InvalidInputException("override '" + override + "': " + at(before, step)
            + " is not a list");
      }
      return child;
    }
    if (child != null && child.isObject()) {
      return child;
    }
    ObjectNode created = JsonNodeFactory.instance.objectNode();
    if (step instanceof String name) {
      ((ObjectNode) node).set(name, created);
    } else {
      ((ArrayNode) node).set((Integer) step, created);
    }
    return created;
  }

  /** {@code index}, when the list {@code at} has an entry there. */
  private static int entry(JsonNode list, int index, String at, String override) {
    if (index >= list.size()) {
      throw new InvalidInputException("override '" + override + "': " + at + " has "
          + list.size() + " entries, so [" + index + "] is out of range");
    }
    return index;
  }

  /** The dotted key up to and including {@code step}. */
  private static String at(String before, Object step) {
    return step instanceof Integer index ? before + "[" + index + "]"
        : before.isEmpty() ? (String) step : before + "." + step;
  }

  /** A key's steps: mapping keys (strings) and list indices (integers), in order. */
  private static List<Object> steps(String key, String override) {
    Matcher m = STEP.matcher(key);
    List<Object> steps = new java.util.ArrayList<>();
    int end = 0;
    while (m.find() && m.start() == end) {
      steps.add(m.group(1) != null ? (Object) m.group(1) : Integer.valueOf(m.group(2)));
      end = m.end();
    }
    if (end != key.length() || key.startsWith(".") || steps.isEmpty()
        || !(steps.get(0) instanceof String)) {
      throw new InvalidInputException("override '" + override
          + "': the key must look like a.b.c or a[2].b");
    }
    return steps;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr() + ")";
  }
}
