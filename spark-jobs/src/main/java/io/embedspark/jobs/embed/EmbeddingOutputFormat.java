package io.embedspark.jobs.embed;

import org.apache.parquet.hadoop.ParquetOutputFormat;

/**
 * The Hadoop output format of the embeddings: Parquet through {@link EmbeddingWriteSupport}. Spark
 * runs it under its Hadoop commit protocol ({@code saveAsNewAPIHadoopFile}): each task writes to a
 * task-attempt directory and only committed tasks' files are moved into place at job commit.
 */
public final class EmbeddingOutputFormat extends ParquetOutputFormat<EmbeddedRow> {
  public EmbeddingOutputFormat() {
    super(new EmbeddingWriteSupport());
  }
}
