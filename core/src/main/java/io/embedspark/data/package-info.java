/**
 * Training and evaluation data: reading local files, task prompts, and the false-negative filters
 * of hard-negative mining.
 */
package io.embedspark.data;
