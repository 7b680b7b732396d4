/**
 * The {@code train} job: the Gemini recipe's pre-finetune and finetune stages on Spark, with one
 * contrastive batch across the executors per step ({@link SparkGradientStep},
 * the gradient cache split over executors), or parameter averaging
 * ({@link ParameterAveragingTrainer}); YAML configuration, per-thread
 * encoder replicas on executors, and a step-time benchmark.
 */
package io.embedspark.jobs.train;
