package io.embedspark.error;

/**
 * Bad input from the user: a config value, a command-line option, a data row. The message names
 * the key, file, row or value and the rule it breaks, so the user can fix it without a debugger.
 */
public class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
