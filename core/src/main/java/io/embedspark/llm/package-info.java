/**
 * LLM-assisted data steps of the Gemini Embedding recipe (Lee et al. 2025, arXiv 2503.07891):
 * synthetic queries for passages, pair-quality filtering and judging mined negatives, through
 * any OpenAI-compatible chat-completions endpoint, with bounded concurrency, retries with
 * backoff and an on-disk cache so a rerun does not pay twice.
 */
package io.embedspark.llm;
