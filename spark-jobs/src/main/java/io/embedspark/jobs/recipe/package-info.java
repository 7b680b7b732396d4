/**
 * The {@code recipe} job: the whole Gemini Embedding recipe (Lee et al. 2025, arXiv 2503.07891)
 * from a pretrained start, as one resumable run of the other jobs: import, pre-finetune, mine hard
 * negatives, finetune on a task-homogeneous mixture, greedy soup of the finetune checkpoints, and
 * the test suite for every model beside BM25.
 */
package io.embedspark.jobs.recipe;
