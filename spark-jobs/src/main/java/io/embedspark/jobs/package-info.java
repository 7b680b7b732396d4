/**
 * Entry points: the {@code embedspark} command line and its jobs. Each job parses its options and
 * calls a {@code run(options, spark)} that moves data with Spark and computes with the core.
 */
package io.embedspark.jobs;
