package io.embedspark.jobs;

import io.embedspark.data.PromptTemplate;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.PartitionEmbedder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Embeds a JSONL file of texts with a broadcast model and writes (id, embedding) Parquet. */
final class TextEmbedding {
  static final StructType TEXT_SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("text", DataTypes.StringType, false);
  static final StructType EMBEDDING_SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private TextEmbedding() {}

  /**
   * Reads {@code idField}, {@code textField} and optionally {@code titleField} of a JSONL file,
   * applies the prompt, embeds, writes Parquet to {@code output} and returns id to embedding.
   */
  static Map<String, float[]> embedJsonl(SparkSession spark, Broadcast<BundleFiles> model,
      String input, String idField, String textField, String titleField, PromptTemplate prompt,
      String output, int batchSize) {
    Dataset<Row> raw = spark.read().json(input);
    Dataset<Row> texts = raw.map(toText(idField, textField, titleField, prompt,
        Arrays.asList(raw.columns())), Encoders.row(TEXT_SCHEMA));
    Dataset<Row> embedded = texts.mapPartitions(new PartitionEmbedder(model, batchSize),
        Encoders.row(EMBEDDING_SCHEMA));
    embedded.write().mode("overwrite").parquet(output);
    Map<String, float[]> out = new HashMap<>();
    for (Row r : spark.read().parquet(output).collectAsList()) {
      List<Float> v = r.getList(1);
      float[] e = new float[v.size()];
      for (int i = 0; i < e.length; i++) {
        e[i] = v.get(i);
      }
      out.put(r.getString(0), e);
    }
    return out;
  }

  private static MapFunction<Row, Row> toText(String idField, String textField,
      String titleField, PromptTemplate prompt, List<String> columns) {
    boolean hasTitle = titleField != null && columns.contains(titleField);
    return row -> {
      String title = hasTitle ? row.getAs(titleField) : null;
      String text = row.getAs(textField);
      return RowFactory.create(String.valueOf((Object) row.getAs(idField)),
          prompt.apply(title, text == null ? "" : text));
    };
  }
}
