package io.embedspark.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedspark.data.JsonlTexts;
import io.embedspark.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A retrieval task in the BEIR layout (Thakur et al. 2021, arXiv 2104.08663): {@code corpus.jsonl}
 * ({@code _id}, {@code title}, {@code text}), {@code queries.jsonl} ({@code _id}, {@code text}) and
 * {@code qrels/<split>.tsv} (query-id, corpus-id, score, with a header line). Only queries that
 * have judgements in the split are kept.
 *
 * @param corpus document id to (title, text)
 * @param queries query id to text
 * @param qrels query id to (document id to graded relevance)
 */
public record BeirTask(String name, Map<String, String[]> corpus, Map<String, String> queries,
    Map<String, Map<String, Integer>> qrels) {

  public static BeirTask read(Path dir, String split) {
    Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
    List<String> lines;
    try {
      lines = Files.readAllLines(qrelsFile, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidInputException("file not found: " + qrelsFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + qrelsFile, e);
    }
    return of(dir.getFileName().toString(), JsonlTexts.rows(dir.resolve("corpus.jsonl")),
        dir.resolve("corpus.jsonl").toString(), JsonlTexts.rows(dir.resolve("queries.jsonl")),
        dir.resolve("queries.jsonl").toString(), lines, qrelsFile.toString());
  }

  /**
   * A task from the rows of its files (read by the caller from wherever they are); an empty
   * {@code corpusRows} gives a task without corpus texts (its embeddings and BM25 index are
   * elsewhere).
   */
  public static BeirTask of(String name, List<JsonNode> corpusRows, String corpusSource,
      List<JsonNode> queryRows, String querySource, List<String> qrelLines, String qrelsSource) {
    Map<String, String[]> corpus = new LinkedHashMap<>();
    for (JsonNode row : corpusRows) {
      corpus.put(id(row, corpusSource), new String[] {
          row.path("title").asText(""), row.path("text").asText("")});
    }
    Map<String, Map<String, Integer>> qrels = qrels(qrelLines, qrelsSource);
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode row : queryRows) {
      String id = id(row, querySource);
      if (qrels.containsKey(id)) {
        queries.put(id, row.path("text").asText(""));
      }
    }
    List<String> unknown = qrels.keySet().stream().filter(q -> !queries.containsKey(q)).toList();
    if (!unknown.isEmpty()) {
      throw new InvalidInputException(qrelsSource + ": " + unknown.size() + " judged queries are "
          + "not in " + querySource + ", e.g. '" + unknown.get(0) + "'");
    }
    return new BeirTask(name, corpus, queries, qrels);
  }

  /** Query id to (document id to relevance) from a qrels TSV with a header line. */
  public static Map<String, Map<String, Integer>> qrels(List<String> lines, String source) {
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String[] f = lines.get(i).split("\t");
      if (f.length < 3) {
        throw new InvalidInputException(source + " line " + (i + 1)
            + ": expected query-id, corpus-id and score separated by tabs");
      }
      try {
        qrels.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1],
            Integer.parseInt(f[2].trim()));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(source + " line " + (i + 1) + ": score '" + f[2]
            + "' is not an integer");
      }
    }
    return qrels;
  }

  private static String id(JsonNode row, String file) {
    JsonNode id = row.get("_id");
    if (id == null || id.isNull()) {
      throw new InvalidInputException(file + ": a row has no _id: " + row);
    }
    return id.asText();
  }
}
