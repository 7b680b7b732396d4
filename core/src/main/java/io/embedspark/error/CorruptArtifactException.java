package io.embedspark.error;

/**
 * A file or artifact that is corrupt, truncated, hostile or of an incompatible version. The message
 * names the file, the field (a tensor, a header key, an offset) and what was expected against what
 * was found.
 */
public class CorruptArtifactException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptArtifactException(String message) {
    super(message);
  }

  public CorruptArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
