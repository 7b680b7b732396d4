/**
 * The {@code mine} job: hard negatives for (query, positive) pairs from exact nearest-neighbour
 * search over the positives, with the false-negative filters of sentence-transformers'
 * {@code mine_hard_negatives}.
 */
package io.embedspark.jobs.mine;
