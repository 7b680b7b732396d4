package io.embedspark.cli;

import io.embedspark.spark.SparkSessions;
import io.embedspark.config.YamlConfig;
import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.jobs.eval.GreedySoup;
import io.embedspark.jobs.eval.EvalConfig;
import io.embedspark.train.ModelSoup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code embedspark soup}: the uniform model soup of checkpoint bundles, or the greedy soup of a
 * run's evaluated checkpoints ({@link ModelSoup}).
 */
@Command(name = "soup", mixinStandardHelpOptions = true,
    description = "Average the parameters of checkpoint bundles of one architecture and "
        + "tokenizer (a uniform model soup) into a new bundle; with --greedy-from, build the "
        + "greedy soup of training runs' checkpoints by their dev metric (eval.jsonl).")
final class SoupCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "BUNDLE", description = "Bundles to average.")
  List<Path> bundles = new ArrayList<>();

  @Option(names = "--greedy-from", paramLabel = "RUN_DIR",
      description = "Training run directories whose checkpoints were evaluated on dev tasks "
          + "(train.eval in the train config); repeatable. Builds the greedy soup.")
  List<Path> runs = new ArrayList<>();

  @Option(names = "--eval-config", defaultValue = "conf/eval-dev.yaml",
      description = "Dev suite that scores trial soups (default: ${DEFAULT-VALUE}).")
  Path evalConfig;

  @Option(names = "--metric", description = "Report key to maximise; default: the one the "
      + "runs' eval.jsonl ranked checkpoints by.")
  String metric;

  @Option(names = "--master", defaultValue = SparkSessions.AUTO,
      description = "Spark master for the greedy soup's evaluations.")
  String master;

  @Option(names = "--out", required = true, description = "Directory of the soup bundle.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing bundle at --out.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    if (runs.isEmpty()) {
      if (bundles.isEmpty()) {
        throw new InvalidInputException("name bundles to average, or runs with --greedy-from");
      }
      List<CheckpointBundle> ingredients = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Path b : bundles) {
        ingredients.add(CheckpointBundle.read(b));
        names.add(b.toString());
      }
      ModelSoup.uniform(ingredients, names).write(out, overwrite);
      System.out.println("soup of " + bundles.size() + " bundles written to " + out);
      return 0;
    }
    EvalConfig suite = YamlConfig.load(evalConfig, List.of(), EvalConfig.class);
    ModelSoup.Greedy greedy;
    try (SparkSession spark = SparkSessions.create("embedspark-soup",
        SparkSessions.master(master))) {
      greedy = GreedySoup.fromRuns(spark, runs, suite, metric, null, System.out::println);
    }
    greedy.soup().write(out, overwrite);
    System.out.printf("greedy soup of %d checkpoints (dev score %.4f) written to %s%n",
        greedy.ingredients().size(), greedy.score(), out);
    return 0;
  }
}
