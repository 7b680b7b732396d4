package io.embedspark.model;


/**
 * Floating-point operations of the encoder's forward pass (multiply-add = 2 FLOPs), counting the
 * matrix products only: per layer and token 8H^2 (Q, K, V, output) + 4HI (feed-forward) + 4TH
 * (attention scores and context), plus the projection 2HO per sequence.
 */
public final class EncoderFlops {
  private EncoderFlops() {}

  /** Forward FLOPs of a batch of {@code sequences} padded to {@code width} tokens. */
  public static double forward(EncoderConfig c, int sequences, int width) {
    double h = c.hiddenSize();
    double perToken = 8 * h * h + 4 * h * c.intermediateSize() + 4.0 * width * h;
    double tokens = (double) sequences * width;
    return c.numLayers() * perToken * tokens + 2 * h * c.outputDim() * sequences;
  }
}
