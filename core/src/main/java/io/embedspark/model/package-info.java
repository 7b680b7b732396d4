/**
 * The embedding model: its config and presets, parameters, the SameDiff graph (BERT encoder, mean
 * pooling, projection, L2 normalisation) and Matryoshka truncation at inference.
 */
package io.embedspark.model;
