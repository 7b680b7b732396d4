/**
 * Benchmarks that need Spark, run on purpose by the {@code bench-*} commands, never by tests:
 * the embed job against ONNX Runtime, the distributed training step, exact search, and the
 * PyTorch reference runner.
 */
package io.embedspark.bench.spark;
