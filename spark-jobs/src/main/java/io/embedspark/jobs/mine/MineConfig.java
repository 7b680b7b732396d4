package io.embedspark.jobs.mine;

import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code mine} job's settings, as in {@code conf/mine.yaml}; bad values are reported with
 * their dotted key.
 *
 * @param model checkpoint bundle that embeds queries and passages
 * @param input the (query, positive) pairs
 * @param output directory of the triples (JSON lines, the finetune format plus scores)
 * @param work directory of the embeddings the job computes; default {@code <output>-work}
 * @param dim Matryoshka dim to search at; 0 for the model's full dim
 * @param rankFrom first rank (1 = nearest) from which negatives are taken
 * @param rankTo last rank considered
 * @param negatives negatives kept per query
 * @param sampling {@code top} (the nearest surviving candidates) or {@code random} (seeded)
 * @param margin a candidate is a likely false negative when its score exceeds the positive's
 *     minus this margin
 * @param maxScore a candidate scoring above this ceiling is a likely false negative
 * @param seed seed of random sampling
 */
public record MineConfig(String model, Input input, String output, String work, Integer dim,
    Integer rankFrom, Integer rankTo, Integer negatives, String sampling, Double margin,
    Double maxScore, Long seed) {

  /**
   * @param path JSON lines or Parquet, any Hadoop file system
   * @param format {@code jsonl} or {@code parquet}
   * @param id id column
   * @param query query column
   * @param positive positive passage column
   */
  public record Input(String path, String format, String id, String query, String positive) {}

  public MineConfig {
    input = input == null ? new Input(null, null, null, null, null) : input;
    input = new Input(input.path(), input.format() == null ? "jsonl"
        : input.format().toLowerCase(Locale.ROOT), or(input.id(), "id"),
        or(input.query(), "query"), or(input.positive(), "positive"));
    output = or(output, "runs/mine/triples");
    work = or(work, output.replaceAll("/+$", "") + "-work");
    dim = dim == null ? 0 : dim;
    rankFrom = rankFrom == null ? 3 : rankFrom;
    rankTo = rankTo == null ? 50 : rankTo;
    negatives = negatives == null ? 3 : negatives;
    sampling = sampling == null ? "top" : sampling.toLowerCase(Locale.ROOT);
    margin = margin == null ? 0.05 : margin;
    maxScore = maxScore == null ? 0.95 : maxScore;
    seed = seed == null ? 42L : seed;
    List<String> p = new ArrayList<>();
    if (model == null || model.isBlank()) {
      p.add("model must name a checkpoint bundle");
    }
    if (input.path() == null || input.path().isBlank()) {
      p.add("input.path must name the pairs");
    }
    if (!List.of("jsonl", "parquet").contains(input.format())) {
      p.add("input.format = '" + input.format() + "' must be jsonl or parquet");
    }
    if (dim < 0) {
      p.add("dim = " + dim + " must be 0 (full) or a Matryoshka dim");
    }
    if (rankFrom < 1 || rankTo < rankFrom) {
      p.add("rank_from = " + rankFrom + " and rank_to = " + rankTo
          + " must satisfy 1 <= rank_from <= rank_to");
    }
    if (negatives < 1) {
      p.add("negatives = " + negatives + " must be positive");
    }
    if (!List.of("top", "random").contains(sampling)) {
      p.add("sampling = '" + sampling + "' must be top or random");
    }
    if (margin.isNaN() || maxScore.isNaN()) {
      p.add("margin and max_score must be numbers");
    }
    if (!p.isEmpty()) {
      throw new InvalidInputException(String.join("; ", p));
    }
  }

  private static String or(String v, String d) {
    return v == null || v.isBlank() ? d : v;
  }
}
