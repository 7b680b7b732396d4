/**
 * Checkpoint files and bundles: safetensors, the checkpoint bundle directory, imports of Hugging
 * Face and TensorFlow checkpoints; files and directories put in place whole, by rename.
 */
package io.embedspark.io;
