/**
 * Training on one machine: batch sampling, contrastive batching with task prompts, the training
 * loop with gradient cache, AdamW and clipping, resumable checkpoints and per-step metrics.
 */
package io.embedspark.train;
