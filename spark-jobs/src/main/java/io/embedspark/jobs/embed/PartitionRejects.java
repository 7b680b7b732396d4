package io.embedspark.jobs.embed;

import io.embedspark.data.PromptTemplate;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.ExecutorModels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rejected rows of one partition as (id, reason, detail) rows: the complement of what
 * {@link PartitionWindows} embeds, by the same {@link RowTriage}. The model's tokenizer is loaded
 * only when too-long texts are rejected.
 */
final class PartitionRejects implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, true)
      .add("reason", DataTypes.StringType, false)
      .add("detail", DataTypes.StringType, true);
  private final Broadcast<BundleFiles> bundle;
  private final Broadcast<RowTriage> triage;
  private final PromptTemplate prompt;
  private final boolean needsTokenizer;

  PartitionRejects(Broadcast<BundleFiles> bundle, Broadcast<RowTriage> triage,
      EmbedConfig config) {
    this.bundle = bundle;
    this.triage = triage;
    this.prompt = config.promptTemplate();
    this.needsTokenizer = config.limits().tooLongPolicy() == EmbedConfig.TooLong.REJECT;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    EmbeddingModel model = needsTokenizer ? ExecutorModels.get(bundle.value()) : null;
    int maxLength = model == null ? 0 : model.tokenizer().maxLength();
    RowTriage t = triage.value();
    List<Row> out = new ArrayList<>();
    while (rows.hasNext()) {
      Row row = rows.next();
      RowTriage.Rejection r = t.reason(row, x -> model.tokenizer().encode(
          List.of(PartitionWindows.prompted(prompt, x))).truncated()[0], maxLength);
      if (r != null) {
        out.add(RowFactory.create(row.getString(CorpusReader.ID), r.reason(), r.detail()));
      }
    }
    return out.iterator();
  }
}
