package io.embedspark.cli;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.error.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code embedspark} command line: one subcommand per job or tool. */
@Command(name = "embedspark", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Train, embed and evaluate text-embedding models on Apache Spark.",
    subcommands = {DemoCommand.class, EmbedCommand.class, ImportCommand.class,
        ExportCommand.class,
        TrainCommand.class, BenchInferenceCommand.class, BenchTrainCommand.class,
        BenchEmbedCommand.class, BenchTrainSparkCommand.class, SoupCommand.class,
        EvalCommand.class, BenchEvalCommand.class, MineCommand.class, RecipeCommand.class,
        VectorsCommand.class,
        LlmCommand.class})
public final class Main {

  public static void main(String[] args) {
    // Before anything starts ND4J, which reads the choice once.
    io.embedspark.nd4j.OpFence.request();
    // A tokenizer.json the native library cannot survive ends the command with a message.
    io.embedspark.tokenize.TokenizerIsolation.enable();
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line. Bad input and corrupt artifacts, also when Spark wraps them in its own
   * exceptions, end with their message and exit code 2; any other failure ends with the message
   * of its root cause and exit code 1 (the stack trace with {@code EMBEDSPARK_TRACE=1}).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InvalidInputException || c instanceof CorruptArtifactException) {
              cmd.getErr().println("error: " + c.getMessage());
              return 2;
            }
          }
          Throwable root = e;
          while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
          }
          if (System.getenv("EMBEDSPARK_TRACE") != null) {
            e.printStackTrace(cmd.getErr());
          }
          cmd.getErr().println("error: " + root.getMessage() + (root == e ? "" : " (" + root
              .getClass().getSimpleName() + "; EMBEDSPARK_TRACE=1 prints the whole trace)"));
          return 1;
        });
  }

  /** Prints the code version baked in at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"embedspark " + io.embedspark.io.CodeVersion.get()};
    }
  }
}
