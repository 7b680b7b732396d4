/**
 * The {@code eval} job: an MTEB-style suite (BEIR retrieval with exact top-k over a distributed
 * corpus, classification, clustering, STS, pair classification, reranking, bitext mining) at every
 * Matryoshka dimension, with BM25 beside every retrieval task and a JSON / Markdown report.
 */
package io.embedspark.jobs.eval;
