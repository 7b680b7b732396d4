package io.embedspark.eval;

import java.io.Serializable;

/** A retrieved document and its score: one line of a run, as trec_eval reads it. */
public record Hit(String id, double score) implements Serializable {
  private static final long serialVersionUID = 1L;
}
