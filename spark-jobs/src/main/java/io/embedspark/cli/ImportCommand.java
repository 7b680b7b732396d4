package io.embedspark.cli;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.CheckpointBundle;
import io.embedspark.io.ImportOptions;
import io.embedspark.io.ModelSources;
import io.embedspark.io.ProjectionInit;
import io.embedspark.model.Pooling;
import io.embedspark.onnx.OnnxBertImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;

/** {@code embedspark import}: a pretrained checkpoint into a checkpoint bundle. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import a Hugging Face BERT or (XLM-)RoBERTa, sentence-transformers, TensorFlow "
        + "BERT or ONNX BERT-family checkpoint, or a named model (mbert, minilm, bge-small-en, "
        + "bge-small-zh, e5-small), as a checkpoint bundle with a projection.")
final class ImportCommand implements Callable<Integer> {
  @Option(names = "--from", required = true,
      description = "Path to the checkpoint (a directory, a .onnx file, a SavedModel .jar/.zip), "
          + "or a named model: mbert, minilm, bge-small-en, bge-small-zh, e5-small.")
  String from;

  @Option(names = "--tokenizer", description = "For an .onnx file: its tokenizer.json (default: "
      + "tokenizer.json or <name>-tokenizer.json beside it).")
  Path tokenizer;

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

  @Option(names = "--pooling", converter = PoolingConverter.class,
      description = "Pooling of the imported model: mean or cls (default: what the source "
          + "declares: a sentence-transformers 1_Pooling config, a named model's convention, "
          + "else mean).")
  Pooling pooling;

  @Option(names = "--layers", defaultValue = "0",
      description = "Keep only the first N transformer layers (0: all).")
  int layers;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the projection.")
  long seed;

  @Option(names = "--overwrite", description = "Replace an existing bundle at --out.")
  boolean overwrite;

  @Override
  public Integer call() {
    ImportOptions options = new ImportOptions(outputDim, matryoshkaDims, maxLength, projection,
        seed, 0, pooling);
    if (tokenizer != null && !from.endsWith(".onnx")) {
      throw new InvalidInputException("--tokenizer applies to an .onnx file only; '" + from
          + "' carries its own tokenizer");
    }
    CheckpointBundle bundle = tokenizer != null
        ? OnnxBertImporter.read(Path.of(from), tokenizer, options)
            .withPooling(pooling == null ? Pooling.MEAN : pooling)
        : ModelSources.open(from, options);
    if (layers > 0) {
      bundle = bundle.withFirstLayers(layers);
    }
    bundle.write(out, overwrite);
    Console.log("imported %s: %d layers x %d, %s pooling, %d parameters, into %s", from,
        bundle.config().model().numLayers(), bundle.config().model().hiddenSize(),
        bundle.config().model().pooling().key(), bundle.parameters().count(), out);
    return 0;
  }

  /** {@code mean} or {@code cls}; a bad value is named with the accepted ones. */
  static final class PoolingConverter implements ITypeConverter<Pooling> {
    @Override
    public Pooling convert(String value) {
      try {
        return Pooling.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
