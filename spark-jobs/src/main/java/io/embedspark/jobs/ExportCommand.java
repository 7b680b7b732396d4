package io.embedspark.jobs;

import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.SentenceTransformersFormat;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedspark export}: a bundle in the layout sentence-transformers loads. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a checkpoint bundle as a sentence-transformers model directory.")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--bundle", required = true, description = "Checkpoint bundle directory.")
  Path bundle;

  @Option(names = "--out", required = true, description = "Directory to write.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing directory at --out.")
  boolean overwrite;

  @Override
  public Integer call() {
    SentenceTransformersFormat.write(CheckpointBundle.read(bundle), out, overwrite);
    DemoJob.log("exported %s as sentence-transformers to %s", bundle, out);
    return 0;
  }
}
