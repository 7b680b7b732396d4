/**
 * Tokenization: Hugging Face {@code tokenizer.json} through DJL's binding of the Rust tokenizers
 * library, checked in Java and, under the launcher, loaded in a child JVM first (the library aborts
 * its process on some faults); and a WordPiece trainer for models built from scratch.
 */
package io.embedspark.tokenize;
