/**
 * Fuzz targets (Jazzer) for the readers of untrusted files: each input must give a result or the
 * project's own error naming the source, never another exception, a hang or a crash. The default
 * tests run each target briefly; {@code -Pfuzz} runs them longer. Inputs that once failed are kept
 * under the test resources as regression inputs.
 */
package io.embedspark.fuzz;
