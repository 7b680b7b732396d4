package io.embedspark.jobs;

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
        EvalCommand.class, BenchEvalCommand.class, MineCommand.class, VectorsCommand.class,
        LlmCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line; bad input and corrupt artifacts end with their message and exit code 2. */
  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          if (e instanceof InvalidInputException || e instanceof CorruptArtifactException) {
            cmd.getErr().println("error: " + e.getMessage());
            return 2;
          }
          throw e;
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
