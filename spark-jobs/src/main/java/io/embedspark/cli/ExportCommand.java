package io.embedspark.cli;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.SentenceTransformersFormat;
import io.embedspark.onnx.OnnxEncoderExport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embedspark export}: a bundle in the layout sentence-transformers loads, or as an ONNX
 * model with its tokenizer.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a checkpoint bundle as a sentence-transformers model directory, or as "
        + "an ONNX model (model.onnx, tokenizer.json).")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--format", defaultValue = "sentence-transformers", description = "sentence-"
      + "transformers or onnx (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--onnx-operators", defaultValue = "standard", description = "For --format "
      + "onnx: standard (any ONNX runtime) or onnxruntime (ONNX Runtime's fused attention and "
      + "layer-norm kernels; faster there). Default: ${DEFAULT-VALUE}.")
  String operators;

  @Option(names = "--bundle", required = true, description = "Checkpoint bundle directory.")
  Path bundle;

  @Option(names = "--out", required = true, description = "Directory to write.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing directory at --out.")
  boolean overwrite;

  @Override
  public Integer call() {
    switch (format.toLowerCase(Locale.ROOT)) {
      case "sentence-transformers" -> SentenceTransformersFormat.write(
          CheckpointBundle.read(bundle), out, overwrite);
      case "onnx" -> OnnxEncoderExport.writeDirectory(CheckpointBundle.read(bundle),
          operators(), out, overwrite);
      default -> throw new InvalidInputException("--format = '" + format + "' must be one of "
          + "sentence-transformers, onnx");
    }
    Console.log("exported %s as %s to %s", bundle, format, out);
    return 0;
  }

  private OnnxEncoderExport.Operators operators() {
    for (OnnxEncoderExport.Operators o : OnnxEncoderExport.Operators.values()) {
      if (o.name().equalsIgnoreCase(operators)) {
        return o;
      }
    }
    throw new InvalidInputException("--onnx-operators = '" + operators + "' must be one of "
        + "standard, onnxruntime");
  }
}
