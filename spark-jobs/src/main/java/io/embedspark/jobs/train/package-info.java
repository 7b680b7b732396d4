/**
 * The {@code train} job: the Gemini recipe's pre-finetune and finetune stages on Spark, run by
 * core's one training loop with one contrastive batch across the executors per step ({@link
 * io.embedspark.spark.SparkGradientStep}, the gradient cache split over executors) or parameter
 * averaging ({@link io.embedspark.spark.ParameterAveraging}); YAML configuration, the run
 * directory, and a step-time benchmark.
 */
package io.embedspark.jobs.train;
