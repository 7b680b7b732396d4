package io.embedspark.jobs.demo;

import io.embedspark.data.PromptTemplate;
import io.embedspark.jobs.embed.EmbedConfig;
import io.embedspark.jobs.embed.EmbedJob;
import io.embedspark.spark.VectorColumns;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Embeds a JSON-lines file with the {@code embed} job ({@link EmbedJob}) at every Matryoshka dim of
 * the model and reads the full-dim vectors back, for the demo's printout.
 */
final class TextEmbedding {
  private TextEmbedding() {}

  /**
   * Embeds {@code idField}, {@code textField} and optionally {@code titleField} of a JSONL file
   * with the bundle in {@code modelDir}, writes Parquet to {@code output} (rejects beside it) and
   * returns id to embedding.
   *
   * @param engine the inference engine ({@code nd4j} or {@code onnxruntime})
   */
  static Map<String, float[]> embedJsonl(SparkSession spark, Path modelDir, int outputDim,
      String input, String idField, String textField, String titleField, PromptTemplate prompt,
      String output, String engine) {
    EmbedConfig config = new EmbedConfig(modelDir.toString(),
        new EmbedConfig.Input(input, "jsonl", idField, textField,
            titleField == null ? "" : titleField),
        prompt.template(),
        new EmbedConfig.Output(output, null, "overwrite", List.of(), false, false),
        null, null, engine);
    new EmbedJob(spark, config, line -> { }).run();
    Map<String, float[]> out = new HashMap<>();
    for (Row r : spark.read().parquet(output).select("id", VectorColumns.name(outputDim))
        .collectAsList()) {
      out.put(r.getString(0), VectorColumns.floats(r.getList(1)));
    }
    return out;
  }
}
