package io.embedspark.cli;

import io.embedspark.jobs.recipe.RecipeConfig;
import io.embedspark.jobs.recipe.RecipeJob;
import io.embedspark.spark.SparkSessions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embedspark recipe}: the whole recipe from a pretrained start ({@link RecipeJob}). */
@Command(name = "recipe", mixinStandardHelpOptions = true,
    description = "Run the whole recipe from a pretrained model: import, pre-finetune, mine hard "
        + "negatives, finetune on a mixture, greedy soup, and the test suite for every model "
        + "beside BM25. A rerun resumes where the last one stopped.")
final class RecipeCommand implements Callable<Integer> {
  @Option(names = "--config", defaultValue = "conf/recipe/recipe.yaml",
      description = "Recipe configuration (default: ${DEFAULT-VALUE}); every key is documented "
          + "in it.")
  Path config;

  @Mixin
  JobOptions job;

  @Override
  public Integer call() throws Exception {
    RecipeConfig c = job.load(config, RecipeConfig.class);
    try (SparkSession spark = SparkSessions.create("embedspark-recipe", job.sparkMaster())) {
      new RecipeJob(spark, c, line -> Console.log("%s", line)).run();
    }
    return 0;
  }
}
