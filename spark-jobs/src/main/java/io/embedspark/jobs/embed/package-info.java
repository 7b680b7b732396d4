/**
 * The {@code embed} job: a corpus on any Hadoop file system to Parquet embeddings at several
 * Matryoshka dims (optionally int8 and binary quantised), every row exactly once, with a rejects
 * output, footer metadata describing the model, and output that appears whole or not at all.
 */
package io.embedspark.jobs.embed;
