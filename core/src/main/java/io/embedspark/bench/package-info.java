/** Throughput measurements (benchmarks run on purpose, not tests) and FLOP accounting. */
package io.embedspark.bench;
