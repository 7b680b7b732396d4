/**
 * The demo: the end-to-end run on the bundled sample (import, zero-shot eval, both training
 * stages, embed, eval, the results table against BM25) and its sample retrieval.
 */
package io.embedspark.jobs.demo;
