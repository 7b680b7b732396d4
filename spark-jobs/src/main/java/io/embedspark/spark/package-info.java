/**
 * Spark machinery shared by the jobs: shipping checkpoint bundles to executors by broadcast, one
 * model per executor JVM, per-partition embedding, and the training work that runs on executors:
 * the global-batch gradient step ({@link io.embedspark.spark.SparkGradientStep}) and parameter
 * averaging ({@link io.embedspark.spark.ParameterAveraging}), both strategies of core's one
 * training loop, with their parameter broadcasts and gradient aggregation.
 */
package io.embedspark.spark;
