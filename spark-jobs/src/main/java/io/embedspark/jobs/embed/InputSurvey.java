package io.embedspark.jobs.embed;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What one pass over the input tells before anything is embedded: how many rows it holds, how many
 * of them are unusable before tokenization ({@link RowTriage#structural}), and which ids occur on
 * more than one usable row. One Spark job: usable rows are grouped by id, and one summary row
 * (totals and the duplicated ids only) reaches the driver.
 *
 * @param rows every input row
 * @param unusable rows rejected before tokenization (malformed, no id, empty text)
 * @param duplicates for each id on more than one usable row, its occurrences and its first row
 *     number; empty when duplicates were not looked for
 */
record InputSurvey(long rows, long unusable, Map<String, Duplicate> duplicates) {
  private static final StructType KEYED = new StructType()
      .add("id", DataTypes.StringType, true)
      .add("_row", DataTypes.LongType, false);

  /** An id on more than one usable row. */
  record Duplicate(long occurrences, long firstRow) {}

  InputSurvey {
    duplicates = Map.copyOf(duplicates);
  }

  /**
   * Surveys rows of {@link CorpusReader#COLUMNS}.
   *
   * @param findDuplicates whether to group usable rows by id (not needed when duplicates are kept)
   */
  static InputSurvey of(Dataset<Row> corpus, boolean findDuplicates) {
    // Unusable rows get a null id, so they form one group of their own.
    Dataset<Row> keyed = corpus.map((MapFunction<Row, Row>) r -> RowFactory.create(
        RowTriage.structural(r) == null ? r.getString(CorpusReader.ID) : null,
        r.getLong(CorpusReader.ROW)), Encoders.row(KEYED));
    if (!findDuplicates) {
      Row s = keyed.agg(count(lit(1)), count(when(col("id").isNull(), lit(1)))).first();
      return new InputSurvey(s.getLong(0), s.getLong(1), Map.of());
    }
    Dataset<Row> groups = keyed.groupBy(col("id"))
        .agg(count(lit(1)).as("n"), min(col("_row")).as("first"));
    Row s = groups.agg(sum(col("n")),
        sum(when(col("id").isNull(), col("n")).otherwise(0L)),
        collect_list(when(col("id").isNotNull().and(col("n").gt(1)),
            struct(col("id"), col("n"), col("first"))))).first();
    if (s.isNullAt(0)) {
      return new InputSurvey(0, 0, Map.of());
    }
    Map<String, Duplicate> duplicates = new HashMap<>();
    for (Row d : s.<Row>getList(2)) {
      duplicates.put(d.getString(0), new Duplicate(d.getLong(1), d.getLong(2)));
    }
    return new InputSurvey(s.getLong(0), s.getLong(1), duplicates);
  }

  /** For each duplicated id, the row number kept: {@link RowTriage}'s input. */
  Map<String, Long> winners() {
    Map<String, Long> w = new HashMap<>();
    duplicates.forEach((id, d) -> w.put(id, d.firstRow()));
    return w;
  }

  /** Some duplicated ids with their counts, for a message, e.g. {@code 'a' x2, 'b' x3}. */
  String examples(int n) {
    return duplicates.entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(n)
        .map(e -> "'" + e.getKey() + "' x" + e.getValue().occurrences())
        .collect(java.util.stream.Collectors.joining(", "));
  }
}
