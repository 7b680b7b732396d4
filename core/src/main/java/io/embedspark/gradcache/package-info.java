/**
 * The gradient cache (Gao et al. 2021, arXiv 2101.06983): a contrastive batch larger than fits at
 * once is embedded in chunks without gradients, the loss and its gradient with respect to every
 * embedding are computed once over the whole batch, and each chunk is re-run with gradients to
 * back-propagate its cached embedding gradients. Memory grows with the chunk size, not the batch.
 */
package io.embedspark.gradcache;
