package io.embedspark.jobs.embed;

import java.io.Serializable;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;

/**
 * Decides whether an input row is embedded or rejected, and why. Both passes of the job (rejects,
 * then embeddings) ask the same questions of the same rows, so every row lands in exactly one
 * output. Rows are {@link CorpusReader#COLUMNS}.
 */
final class RowTriage implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String MALFORMED = "malformed";
  static final String MISSING_ID = "missing_id";
  static final String EMPTY_TEXT = "empty_text";
  static final String DUPLICATE_ID = "duplicate_id";
  static final String TOO_LONG = "too_long";
  private static final int DETAIL_CHARS = 200;

  private final Map<String, Long> duplicateWinners;
  private final boolean rejectTooLong;

  /** A reason to reject a row and a short detail for the rejects output. */
  record Rejection(String reason, String detail) {}

  /**
   * @param duplicateWinners for each id seen more than once, the row number kept; empty to keep
   *     every duplicate
   * @param rejectTooLong whether texts over the model's limit are rejected rather than truncated
   */
  RowTriage(Map<String, Long> duplicateWinners, boolean rejectTooLong) {
    this.duplicateWinners = Map.copyOf(duplicateWinners);
    this.rejectTooLong = rejectTooLong;
  }

  /** Why a row cannot be used before any tokenization, or null. */
  static Rejection structural(Row row) {
    String corrupt = row.getString(CorpusReader.CORRUPT);
    if (corrupt != null) {
      return new Rejection(MALFORMED, shorten(corrupt));
    }
    String id = row.getString(CorpusReader.ID);
    if (id == null || id.isBlank()) {
      return new Rejection(MISSING_ID, "row " + row.getLong(CorpusReader.ROW));
    }
    String text = row.getString(CorpusReader.TEXT);
    if (text == null || text.isBlank()) {
      return new Rejection(EMPTY_TEXT, text == null ? "null" : "blank");
    }
    return null;
  }

  /**
   * Why a row is rejected, or null to embed it.
   *
   * @param tooLong whether the prompted text exceeds the model's token limit; asked only when
   *     too-long texts are rejected
   */
  Rejection reason(Row row, Predicate<Row> tooLong, int maxLength) {
    Rejection r = structural(row);
    if (r != null) {
      return r;
    }
    Long winner = duplicateWinners.get(row.getString(CorpusReader.ID));
    if (winner != null && winner != row.getLong(CorpusReader.ROW)) {
      return new Rejection(DUPLICATE_ID, "first occurrence kept");
    }
    if (rejectTooLong) {
      if (tooLong.test(row)) {
        return new Rejection(TOO_LONG, "more than " + maxLength + " tokens");
      }
    }
    return null;
  }

  private static String shorten(String s) {
    return s.length() <= DETAIL_CHARS ? s : s.substring(0, DETAIL_CHARS) + "...";
  }
}
