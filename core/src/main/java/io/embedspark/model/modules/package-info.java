/**
 * The encoder as a pipeline of modules, the way sentence-transformers composes {@code
 * Transformer}, {@code Pooling}, {@code Dense} and {@code Normalize} (Reimers and Gurevych 2019,
 * arXiv 1908.10084): {@link io.embedspark.model.modules.TokenEmbeddings}, one {@link
 * io.embedspark.model.modules.TransformerLayer} per layer, {@link
 * io.embedspark.model.modules.TokenPooling}, {@link io.embedspark.model.modules.Projection} and
 * {@link io.embedspark.model.modules.L2Normalize}. Each module owns its parameter names, its
 * in-place inference pass, its training forward pass with the hand-derived backward pass, and its
 * SameDiff definition, the reference the other two are tested against.
 */
package io.embedspark.model.modules;
