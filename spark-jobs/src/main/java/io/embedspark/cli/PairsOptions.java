package io.embedspark.cli;

import io.embedspark.data.TrainingData;
import io.embedspark.data.TrainingExample;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The training benchmarks' real-pairs input: a JSON-lines file and the two fields to read. */
final class PairsOptions {
  @Option(names = "--data", description = "(query, passage) pairs as JSON lines (.gz too), cut "
      + "by the model's tokenizer; without it, random full-length sequences.")
  Path data;

  @Option(names = "--query-field", defaultValue = "query",
      description = "Field of the query (default: ${DEFAULT-VALUE}).")
  String queryField;

  @Option(names = "--positive-field", defaultValue = "passage",
      description = "Field of the positive (default: ${DEFAULT-VALUE}).")
  String positiveField;

  /** The pairs, or null without {@code --data}. */
  List<TrainingExample> read() {
    return data == null ? null : TrainingData.readJsonl(data, new TrainingData.Fields("id",
        "task", queryField, positiveField, "negatives"), "pairs");
  }
}
