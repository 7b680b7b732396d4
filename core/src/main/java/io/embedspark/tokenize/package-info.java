/**
 * Tokenization: Hugging Face {@code tokenizer.json} through DJL's binding of the Rust tokenizers
 * library, and a WordPiece trainer for models built from scratch.
 */
package io.embedspark.tokenize;
