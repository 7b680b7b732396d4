package io.embedspark.jobs.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import io.embedspark.data.PromptTemplate;
import io.embedspark.embed.BucketedEmbedder;
import io.embedspark.embed.InferenceEngine;
import io.embedspark.error.InvalidInputException;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.ExecutorModels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Labelled texts of a task too large for the driver: JSON lines {@code {text, label}} read by
 * Spark (any Hadoop file system, gzip), embedded on the executors and kept there with their
 * labels. A label may be a string or a number (read as its text).
 */
final class LabeledTexts {
  private static final int CHUNK = 4096;

  private LabeledTexts() {}

  /** A text and its label; {@code row} numbers the rows in file order from 0. */
  record Text(long row, String label, String text) implements java.io.Serializable {}

  /** An embedded text: its row, label and full-dimension vector. */
  record Vector(long row, String label, float[] vector) implements java.io.Serializable {}

  /**
   * The rows of {@code path}, numbered in file order, spread over at least as many partitions as
   * the cluster has cores (a gzipped file is read as one); fails, naming the file, the field and
   * an example, if a row lacks either field or is not JSON.
   */
  static JavaRDD<Text> read(SparkSession spark, String path, String textField,
      String labelField) {
    StructType schema = new StructType().add(textField, DataTypes.StringType)
        .add(labelField, DataTypes.StringType);
    Dataset<Row> rows = spark.read().schema(schema).json(path);
    Dataset<Row> bad = rows.filter(col(textField).isNull().or(col(labelField).isNull()));
    List<Row> example = bad.select(input_file_name(), col(textField), col(labelField)).limit(1)
        .collectAsList();
    if (!example.isEmpty()) {
      Row r = example.get(0);
      throw new InvalidInputException(r.getString(0) + ": " + bad.count() + " rows lack a '"
          + textField + "' or a '" + labelField + "' field, or are not JSON; e.g. "
          + textField + " = " + abbreviate(r.getString(1)) + ", " + labelField + " = "
          + abbreviate(r.getString(2)));
    }
    JavaRDD<Text> texts = rows.javaRDD().zipWithIndex().map(t -> new Text(t._2(),
        t._1().getString(1), t._1().getString(0)));
    return io.embedspark.spark.Partitions.atLeastCores(spark, texts);
  }

  /** Embeds the texts on the executors at full dimension, keeping each row's label. */
  static JavaRDD<Vector> embed(JavaRDD<Text> rows, Broadcast<BundleFiles> bundle,
      PromptTemplate prompt, InferenceEngine engine) {
    return rows.mapPartitions(new EmbedPartition(bundle, prompt, engine));
  }

  private static String abbreviate(String s) {
    return s == null ? "(missing)" : "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s)
        + "'";
  }

  /** Embeds a partition's texts in chunks, in order. */
  private record EmbedPartition(Broadcast<BundleFiles> bundle, PromptTemplate prompt,
      InferenceEngine engine)
      implements FlatMapFunction<Iterator<Text>, Vector> {
    @Override
    public Iterator<Vector> call(Iterator<Text> rows) {
      if (!rows.hasNext()) {
        return List.<Vector>of().iterator();
      }
      BucketedEmbedder embedder = new BucketedEmbedder(
          ExecutorModels.get(bundle.value()).tokenizer(),
          ExecutorModels.encoder(bundle.value(), engine), BucketedEmbedder.DEFAULT_TOKEN_BUDGET,
          BucketedEmbedder.DEFAULT_MAX_ROWS);
      return new Iterator<>() {
        private final List<Vector> chunk = new ArrayList<>();
        private int next;

        @Override
        public boolean hasNext() {
          if (next < chunk.size()) {
            return true;
          }
          chunk.clear();
          next = 0;
          List<Text> taken = new ArrayList<>();
          List<String> texts = new ArrayList<>();
          while (rows.hasNext() && texts.size() < CHUNK) {
            Text r = rows.next();
            taken.add(r);
            texts.add(prompt.apply("", r.text()));
          }
          if (texts.isEmpty()) {
            return false;
          }
          float[][] vectors = embedder.embed(texts).embeddings();
          for (int i = 0; i < vectors.length; i++) {
            chunk.add(new Vector(taken.get(i).row(), taken.get(i).label(), vectors[i]));
          }
          return true;
        }

        @Override
        public Vector next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return chunk.get(next++);
        }
      };
    }
  }
}
