/**
 * How this project runs ND4J: an op executioner that keeps every op reachable while its native
 * code runs, and the switch that asks ND4J for it.
 */
package io.embedspark.nd4j;
