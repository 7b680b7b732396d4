package io.embedspark.jobs.embed;

import io.embedspark.data.PromptTemplate;
import io.embedspark.embed.BatchEncoder;
import io.embedspark.embed.BucketedEmbedder;
import io.embedspark.model.EmbeddingModel;
import io.embedspark.spark.BundleFiles;
import io.embedspark.spark.ExecutorModels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds the accepted rows of one partition, a window at a time: read up to {@code window} rows,
 * embed them with length bucketing under the token budget ({@link BucketedEmbedder}), hand them on
 * in input order, read the next window. Memory is bounded by the window, not the partition. The
 * model comes from the executor's copy of the broadcast bundle ({@link ExecutorModels}).
 */
final class PartitionWindows implements FlatMapFunction<Iterator<Row>, EmbeddedRow> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PartitionWindows.class);
  private final Broadcast<BundleFiles> bundle;
  private final Broadcast<RowTriage> triage;
  private final EmbedConfig config;

  PartitionWindows(Broadcast<BundleFiles> bundle, Broadcast<RowTriage> triage,
      EmbedConfig config) {
    this.bundle = bundle;
    this.triage = triage;
    this.config = config;
  }

  @Override
  public Iterator<EmbeddedRow> call(Iterator<Row> rows) {
    EmbeddingModel model = ExecutorModels.get(bundle.value());
    return new Windows(rows, model, ExecutorModels.encoder(bundle.value(), config.inferenceEngine()),
        triage.value(), config);
  }

  /** The prompted text of an accepted row. */
  static String prompted(PromptTemplate prompt, Row row) {
    return prompt.apply(row.getString(CorpusReader.TITLE), row.getString(CorpusReader.TEXT));
  }

  private static final class Windows implements Iterator<EmbeddedRow> {
    private final Iterator<Row> rows;
    private final EmbeddingModel model;
    private final RowTriage triage;
    private final PromptTemplate prompt;
    private final BucketedEmbedder embedder;
    private final int window;
    private final int partition;
    private final String modelName;
    private final long started = System.nanoTime();
    private Iterator<EmbeddedRow> current = Collections.emptyIterator();
    private long embedded;
    private long tokens;

    Windows(Iterator<Row> rows, EmbeddingModel model, BatchEncoder encoder, RowTriage triage,
        EmbedConfig config) {
      this.rows = rows;
      this.model = model;
      this.triage = triage;
      this.prompt = config.promptTemplate();
      this.embedder = new BucketedEmbedder(model.tokenizer(), encoder,
          config.batching().tokenBudget(),
          config.batching().maxRows());
      this.window = config.batching().window();
      this.modelName = config.model();
      TaskContext task = TaskContext.get();
      this.partition = task == null ? -1 : task.partitionId();
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext() && rows.hasNext()) {
        current = next(window);
      }
      return current.hasNext();
    }

    @Override
    public EmbeddedRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }

    private Iterator<EmbeddedRow> next(int size) {
      List<String> ids = new ArrayList<>(size);
      List<String> texts = new ArrayList<>(size);
      while (texts.size() < size && rows.hasNext()) {
        Row row = rows.next();
        if (triage.reason(row, r -> tooLong(r), model.tokenizer().maxLength()) == null) {
          ids.add(row.getString(CorpusReader.ID));
          texts.add(prompted(prompt, row));
        }
      }
      BucketedEmbedder.Result r;
      try {
        r = embedder.embed(texts);
      } catch (BucketedEmbedder.NonFiniteEmbeddingException e) {
        throw new IllegalStateException("the model " + modelName + " embeds the row with id '"
            + ids.get(e.index()) + "' (partition " + partition + ") as non-finite numbers (NaN "
            + "or infinity); such vectors are never written, and nothing was published", e);
      } catch (RuntimeException e) {
        throw new IllegalStateException("embedding failed in partition " + partition
            + " in the window starting at id " + (ids.isEmpty() ? "?" : ids.get(0)) + ": "
            + e.getMessage(), e);
      }
      List<EmbeddedRow> out = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        out.add(new EmbeddedRow(ids.get(i), r.truncated()[i], r.embeddings()[i]));
      }
      embedded += ids.size();
      tokens += r.realTokens();
      double seconds = (System.nanoTime() - started) / 1e9;
      LOG.info(String.format(java.util.Locale.ROOT,
          "partition %d: %d rows embedded, %.0f rows/s, %.0f tokens/s, padding %.1f%%",
          partition, embedded, embedded / seconds, tokens / seconds,
          r.paddedTokens() == 0 ? 0.0 : 100.0 * (r.paddedTokens() - r.realTokens())
              / r.paddedTokens()));
      return out.iterator();
    }

    private boolean tooLong(Row row) {
      return model.tokenizer().encode(List.of(prompted(prompt, row))).truncated()[0];
    }
  }
}
