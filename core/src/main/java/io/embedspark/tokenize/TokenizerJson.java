package io.embedspark.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import java.util.List;
import java.util.OptionalInt;

/**
 * Writes and inspects Hugging Face {@code tokenizer.json} files. Writes the BERT WordPiece
 * pipeline (BertNormalizer, BertPreTokenizer, WordPiece with {@code ##} continuations, a
 * {@code [CLS] A [SEP]} template), the layout that {@code BertTokenizerFast} saves.
 */
public final class TokenizerJson {
  /** BERT's special tokens, in the order they take the first ids of a trained vocabulary. */
  public static final List<String> BERT_SPECIAL_TOKENS =
      List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TokenizerJson() {}

  /**
   * A WordPiece tokenizer.json for a vocabulary whose id i is {@code vocab.get(i)}.
   *
   * @param lowercase lower-case and strip accents (uncased BERT) or keep the text (cased)
   */
  public static String wordPiece(List<String> vocab, boolean lowercase) {
    for (String special : List.of("[UNK]", "[CLS]", "[SEP]", "[PAD]")) {
      if (!vocab.contains(special)) {
        throw new InvalidInputException("vocabulary lacks the special token " + special);
      }
    }
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.set("added_tokens", addedTokens(vocab));
    ObjectNode normalizer = root.putObject("normalizer");
    normalizer.put("type", "BertNormalizer");
    normalizer.put("clean_text", true);
    normalizer.put("handle_chinese_chars", true);
    normalizer.putNull("strip_accents");
    normalizer.put("lowercase", lowercase);
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    root.set("post_processor", template(vocab));
    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "WordPiece");
    decoder.put("prefix", "##");
    decoder.put("cleanup", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece");
    model.put("unk_token", "[UNK]");
    model.put("continuing_subword_prefix", "##");
    model.put("max_input_chars_per_word", 100);
    ObjectNode v = model.putObject("vocab");
    for (int i = 0; i < vocab.size(); i++) {
      v.put(vocab.get(i), i);
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ArrayNode addedTokens(List<String> vocab) {
    ArrayNode added = MAPPER.createArrayNode();
    for (String special : BERT_SPECIAL_TOKENS) {
      int id = vocab.indexOf(special);
      if (id < 0) {
        continue;
      }
      ObjectNode t = added.addObject();
      t.put("id", id);
      t.put("content", special);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    return added;
  }

  private static ObjectNode template(List<String> vocab) {
    ObjectNode post = MAPPER.createObjectNode();
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    special(single, "[CLS]", 0);
    sequence(single, "A", 0);
    special(single, "[SEP]", 0);
    ArrayNode pair = post.putArray("pair");
    special(pair, "[CLS]", 0);
    sequence(pair, "A", 0);
    special(pair, "[SEP]", 0);
    sequence(pair, "B", 1);
    special(pair, "[SEP]", 1);
    ObjectNode specials = post.putObject("special_tokens");
    for (String s : List.of("[CLS]", "[SEP]")) {
      ObjectNode t = specials.putObject(s);
      t.put("id", s);
      t.putArray("ids").add(vocab.indexOf(s));
      t.putArray("tokens").add(s);
    }
    return post;
  }

  private static void special(ArrayNode seq, String id, int typeId) {
    ObjectNode s = seq.addObject().putObject("SpecialToken");
    s.put("id", id);
    s.put("type_id", typeId);
  }

  private static void sequence(ArrayNode seq, String id, int typeId) {
    ObjectNode s = seq.addObject().putObject("Sequence");
    s.put("id", id);
    s.put("type_id", typeId);
  }

  /** Number of ids a tokenizer.json can produce: 1 + the largest id in its vocab and added tokens. */
  public static int vocabSize(JsonNode root) {
    JsonNode model = root.path("model");
    JsonNode vocab = model.path("vocab");
    int max = -1;
    if (vocab.isObject()) {
      for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
        max = Math.max(max, id.asInt());
      }
    } else if (vocab.isArray()) {
      max = vocab.size() - 1; // Unigram: [[piece, score], ...]
    } else {
      throw new CorruptArtifactException("tokenizer.json: model.vocab is missing");
    }
    for (JsonNode t : root.path("added_tokens")) {
      max = Math.max(max, t.path("id").asInt());
    }
    return max + 1;
  }

  /** The id of the first of these tokens that the tokenizer knows. */
  public static OptionalInt tokenId(JsonNode root, String... candidates) {
    for (String c : candidates) {
      for (JsonNode t : root.path("added_tokens")) {
        if (c.equals(t.path("content").asText())) {
          return OptionalInt.of(t.path("id").asInt());
        }
      }
      JsonNode id = root.path("model").path("vocab").path(c);
      if (id.isInt()) {
        return OptionalInt.of(id.asInt());
      }
    }
    return OptionalInt.empty();
  }

  private static void unknownTokenProblems(JsonNode model, String type, List<String> problems) {
    JsonNode vocab = model.path("vocab");
    // Without a type the library takes the first model the keys fit: BPE has merges.
    boolean wordVocab = "WordPiece".equals(type) || "WordLevel".equals(type)
        || type.isEmpty() && !model.has("merges");
    if (wordVocab && vocab.isObject()) {
      String unk = model.path("unk_token").asText("[UNK]");
      if (!vocab.has(unk)) {
        problems.add("model.unk_token '" + unk + "' is not in model.vocab");
      }
    } else if ("Unigram".equals(type) && vocab.isArray() && model.path("unk_id").isNumber()) {
      long id = model.path("unk_id").asLong();
      if (id < 0 || id >= vocab.size()) {
        problems.add("model.unk_id = " + id + " is outside model.vocab (" + vocab.size()
            + " pieces)");
      }
    }
  }

  private static final java.util.Set<String> MODELS = java.util.Set.of("WordPiece", "BPE",
      "Unigram", "WordLevel");
  private static final java.util.Set<String> POST_PROCESSORS = java.util.Set.of(
      "TemplateProcessing", "BertProcessing", "RobertaProcessing", "ByteLevel", "Sequence");

  /**
   * Problems the tokenizers library would not report but abort the process on (found by
   * fuzzing): a model or post-processor type it does not know, and a {@code TemplateProcessing}
   * post-processor (alone or in a {@code Sequence}) whose template names a special token that its
   * {@code special_tokens} does not define; a WordPiece or WordLevel model whose unknown token is
   * not in its vocabulary, and a Unigram model whose {@code unk_id} is outside it (the library
   * aborts at the first unknown word). Empty when there are none.
   */
  public static List<String> templateProblems(JsonNode root) {
    List<String> problems = new java.util.ArrayList<>();
    String model = root.path("model").path("type").asText("");
    if (!root.path("model").path("type").isMissingNode() && !MODELS.contains(model)) {
      problems.add("model.type = '" + model + "' is not one of "
          + new java.util.TreeSet<>(MODELS));
    }
    unknownTokenProblems(root.path("model"), model, problems);
    JsonNode post = root.path("post_processor");
    List<JsonNode> processors = new java.util.ArrayList<>();
    if ("Sequence".equals(post.path("type").asText())) {
      post.path("processors").forEach(processors::add);
    } else if (!post.isMissingNode() && !post.isNull()) {
      processors.add(post);
    }
    // The library may read a template from a processor of another declared type.
    List<JsonNode> templates = new java.util.ArrayList<>();
    if (post.has("single") || post.has("pair")) {
      templates.add(post);
    }
    for (JsonNode p : processors) {
      String type = p.path("type").asText("");
      if (!POST_PROCESSORS.contains(type)) {
        problems.add("post_processor type '" + type + "' is not one of "
            + new java.util.TreeSet<>(POST_PROCESSORS));
        continue;
      }
      if ("TemplateProcessing".equals(p.path("type").asText()) && !templates.contains(p)) {
        templates.add(p);
      }
    }
    for (JsonNode p : templates) {
      JsonNode defined = p.path("special_tokens");
      for (String part : List.of("single", "pair")) {
        for (JsonNode piece : p.path(part)) {
          JsonNode special = piece.path("SpecialToken");
          if (special.isMissingNode()) {
            continue;
          }
          String id = special.path("id").asText();
          if (!defined.has(id)) {
            problems.add("post_processor." + part + " names the special token '" + id
                + "', which post_processor.special_tokens does not define");
          }
        }
      }
    }
    return problems;
  }
}
