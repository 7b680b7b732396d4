/** Fuzz targets (Jazzer) for the YAML job configs; see core's fuzz package. */
package io.embedspark.fuzz;
