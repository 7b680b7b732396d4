package io.embedspark.train;

/** A step produced a NaN or infinite loss or gradient; the message names step, rate and batch. */
public class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
