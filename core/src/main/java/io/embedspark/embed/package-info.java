/**
 * Bulk embedding without Spark: texts of one partition tokenized once, grouped into batches of
 * similar length under a token budget so little compute goes to padding, embedded, and returned in
 * input order; Matryoshka truncation and int8 / binary quantisation of the results.
 */
package io.embedspark.embed;
