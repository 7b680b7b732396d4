package io.embedspark.jobs.embed;

/**
 * One embedded input row on its way to the Parquet writer.
 *
 * @param id the row's id
 * @param truncated whether its text was cut to the model's token limit
 * @param embedding the model's full unit-length embedding
 */
public record EmbeddedRow(String id, boolean truncated, float[] embedding) {}
