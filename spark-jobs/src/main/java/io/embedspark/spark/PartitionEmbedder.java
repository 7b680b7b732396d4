package io.embedspark.spark;

import io.embedspark.model.EmbeddingModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Embeds a partition of (id, text) rows in batches with the executor's copy of the broadcast
 * model, producing (id, embedding) rows. Errors carry the partition id.
 */
public final class PartitionEmbedder implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<BundleFiles> bundle;
  private final int batchSize;

  public PartitionEmbedder(Broadcast<BundleFiles> bundle, int batchSize) {
    this.bundle = bundle;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    EmbeddingModel model = ExecutorModels.get(bundle.value());
    List<Row> out = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    try {
      while (rows.hasNext()) {
        Row r = rows.next();
        ids.add(r.getString(0));
        texts.add(r.getString(1));
        if (texts.size() == batchSize) {
          flush(model, ids, texts, out);
        }
      }
      flush(model, ids, texts, out);
    } catch (RuntimeException e) {
      TaskContext tc = TaskContext.get();
      int partition = tc == null ? -1 : tc.partitionId();
      throw new IllegalStateException("embedding failed in partition " + partition + " near id "
          + (ids.isEmpty() ? "?" : ids.get(0)) + ": " + e.getMessage(), e);
    }
    return out.iterator();
  }

  private static void flush(EmbeddingModel model, List<String> ids, List<String> texts,
      List<Row> out) {
    if (texts.isEmpty()) {
      return;
    }
    float[][] e = model.embedTexts(texts, texts.size());
    for (int i = 0; i < e.length; i++) {
      out.add(RowFactory.create(ids.get(i), e[i]));
    }
    ids.clear();
    texts.clear();
  }
}
