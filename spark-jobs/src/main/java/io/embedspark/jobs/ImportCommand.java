package io.embedspark.jobs;

import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ModelSources;
import io.embedspark.io.ProjectionInit;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedspark import}: a pretrained checkpoint into a checkpoint bundle. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import a Hugging Face BERT, sentence-transformers or TensorFlow BERT "
        + "checkpoint (or 'mbert') as a checkpoint bundle with a projection.")
final class ImportCommand implements Callable<Integer> {
  @Option(names = "--from", required = true,
      description = "Path to the checkpoint, or 'mbert'.")
  String from;

  @Option(names = "--out", required = true, description = "Bundle directory to write.")
  Path out;

  @Option(names = "--output-dim", defaultValue = "0",
      description = "Projection size (0: the encoder's hidden size).")
  int outputDim;

  @Option(names = "--matryoshka-dims", split = ",",
      description = "Nested embedding sizes, ascending, ending with the output dim.")
  List<Integer> matryoshkaDims = List.of();

  @Option(names = "--projection", defaultValue = "RANDOM",
      description = "Projection initialisation: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ProjectionInit projection;

  @Option(names = "--max-length", defaultValue = "512", description = "Maximum tokens per text.")
  int maxLength;

  @Option(names = "--layers", defaultValue = "0",
      description = "Keep only the first N transformer layers (0: all).")
  int layers;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the projection.")
  long seed;

  @Option(names = "--overwrite", description = "Replace an existing bundle at --out.")
  boolean overwrite;

  @Override
  public Integer call() {
    CheckpointBundle bundle = ModelSources.open(from, new ImportOptions(outputDim,
        matryoshkaDims, maxLength, projection, seed));
    if (layers > 0) {
      bundle = bundle.withFirstLayers(layers);
    }
    bundle.write(out, overwrite);
    DemoJob.log("imported %s: %d layers x %d, %d parameters, into %s", from,
        bundle.config().model().numLayers(), bundle.config().model().hiddenSize(),
        bundle.parameters().count(), out);
    return 0;
  }
}
