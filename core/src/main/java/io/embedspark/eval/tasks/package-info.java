/**
 * Evaluation tasks in MTEB's formats (Muennighoff et al. 2023, arXiv 2210.07316) read from JSON
 * lines (classification, clustering, STS, pair classification, reranking, bitext mining), and
 * their evaluation at every Matryoshka dimension with an embedder the caller supplies (in memory
 * here; on Spark in the eval job). Retrieval tasks use the BEIR layout ({@link
 * io.embedspark.eval.BeirTask}).
 */
package io.embedspark.eval.tasks;
