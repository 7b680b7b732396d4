/**
 * The command line: {@code Main} and one picocli command per verb (the jobs, import and export,
 * the demo, the benchmarks), their shared options, and the console they report on.
 */
package io.embedspark.cli;
