/**
 * The outputs of an evaluation: {@code report.json} with stable keys ({@code
 * {task}/{metric}/d{dim}}, see {@link io.embedspark.eval.tasks.ReportKeys}) written with sorted
 * map keys, and a Markdown report with PNG plots: the main metric of each task by Matryoshka
 * dimension, against baselines such as BM25 and other models, and a Borda ranking over tasks as
 * MMTEB ranks models (Enevoldsen et al. 2025, arXiv 2502.13595).
 */
package io.embedspark.eval.report;
