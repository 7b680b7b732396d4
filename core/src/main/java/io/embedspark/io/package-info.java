/**
 * Checkpoint files and bundles: safetensors, the checkpoint bundle directory, imports of Hugging
 * Face and TensorFlow checkpoints.
 */
package io.embedspark.io;
