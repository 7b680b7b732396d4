package io.embedspark.jobs;

import io.embedspark.io.CheckpointBundle;
import io.embedspark.train.ModelSoup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code embedspark soup}: the uniform model soup of checkpoint bundles ({@link ModelSoup}). */
@Command(name = "soup", mixinStandardHelpOptions = true,
    description = "Average the parameters of checkpoint bundles of one architecture and "
        + "tokenizer (a uniform model soup) into a new bundle.")
final class SoupCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "BUNDLE", description = "Bundles to average.")
  List<Path> bundles;

  @Option(names = "--out", required = true, description = "Directory of the soup bundle.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing bundle at --out.")
  boolean overwrite;

  @Override
  public Integer call() {
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
}
