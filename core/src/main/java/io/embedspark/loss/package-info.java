/**
 * Training losses: Gemini Embedding's NCE loss with in-batch and hard negatives and its
 * duplicate mask, and the Matryoshka wrapper. Pure functions of embeddings that return the loss
 * and its gradient with respect to every embedding.
 */
package io.embedspark.loss;
