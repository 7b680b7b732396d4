package io.embedspark.jobs.embed;

import io.embedspark.io.BundleConfig;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.Provenance;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderPresets;
import io.embedspark.model.ModelParameters;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenizerJson;
import io.embedspark.tokenize.WordPieceTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny model bundle and a BEIR-style corpus with every kind of bad row: malformed JSON, a
 * missing id, null and blank text, a duplicate id, and texts over the model's 16-token limit.
 */
final class TestCorpus {
  static final int MAX_LENGTH = 16;
  static final int GOOD = 40;
  static final String[] WORDS = {"shared", "library", "for", "the", "office", "suite", "file",
      "manager", "with", "two", "panes", "terminal", "emulator", "desktop", "bibliothèque",
      "partagée", "pour", "la", "suite", "bureautique", "日本語", "の", "テキスト", "エディタ"};

  private TestCorpus() {}

  /** The document texts by id (the first occurrence of the duplicated id). */
  static Map<String, String[]> documents() {
    Map<String, String[]> docs = new TreeMap<>();
    for (int i = 0; i < GOOD; i++) {
      StringBuilder text = new StringBuilder();
      int words = i % 9 == 0 ? 30 : 2 + i % 7;
      for (int w = 0; w < words; w++) {
        text.append(w == 0 ? "" : " ").append(WORDS[(i * 7 + w * 3) % WORDS.length]);
      }
      docs.put("d" + i, new String[] {i % 3 == 0 ? "" : "title " + i, text.toString()});
    }
    return docs;
  }

  /** Writes the corpus as JSON lines: the good documents plus five bad rows. */
  static Path writeCorpus(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, String[]> d : documents().entrySet()) {
      lines.add("{\"_id\": \"" + d.getKey() + "\", \"title\": \"" + d.getValue()[0]
          + "\", \"text\": \"" + d.getValue()[1] + "\"}");
      if (d.getKey().equals("d5")) {
        lines.add("{\"_id\": \"d5\", \"title\": \"\", \"text\": \"a second d5\"}");
        lines.add("{\"_id\": \"broken\", \"text\": ");
        lines.add("{\"title\": \"no id\", \"text\": \"orphan text\"}");
        lines.add("{\"_id\": \"nulltext\", \"text\": null}");
        lines.add("{\"_id\": \"blank\", \"text\": \"   \"}");
      }
    }
    Files.createDirectories(file.getParent());
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  /** Weights spread wider than BERT's initialisation, so texts get distinct embeddings. */
  private static ModelParameters spread(ModelParameters p, EncoderConfig config) {
    return io.embedspark.testing.TestWeights.spread(p, config, 0.3, 5);
  }

  static Path writeModel(Path dir) {
    List<String> texts = new ArrayList<>(List.of(String.join(" ", WORDS)));
    for (String[] d : documents().values()) {
      texts.add(d[1]);
    }
    String tokenizer = TokenizerJson.wordPiece(new WordPieceTrainer(200, 1, false).train(texts),
        false);
    int vocab;
    try (TextTokenizer t = new TextTokenizer(tokenizer, MAX_LENGTH)) {
      vocab = t.vocabSize();
    }
    EncoderConfig config = EncoderPresets.tiny().withVocabSize(vocab);
    new CheckpointBundle(BundleConfig.of(config, MAX_LENGTH), spread(ModelParameters.initialise(
        config, 11), config), tokenizer, Provenance.now("init:tiny", List.of(), 11, null, null))
        .write(dir, true);
    return dir;
  }
}
