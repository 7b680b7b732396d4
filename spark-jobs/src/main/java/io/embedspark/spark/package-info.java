/**
 * Spark plumbing: shipping checkpoint bundles to executors by broadcast, one model per executor
 * JVM, and per-partition embedding.
 */
package io.embedspark.spark;
