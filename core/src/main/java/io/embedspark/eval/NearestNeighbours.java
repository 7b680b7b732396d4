package io.embedspark.eval;

import java.util.PriorityQueue;

/**
 * Exact top-k search by inner product (cosine for unit vectors) over embeddings held in memory.
 * Ties go to the smaller index, so results are deterministic.
 */
public final class NearestNeighbours {
  private NearestNeighbours() {}

  /** Indices of the {@code k} rows of {@code corpus} most similar to {@code query}, best first. */
  public static int[] topK(float[] query, float[][] corpus, int k) {
    int n = Math.min(k, corpus.length);
    PriorityQueue<double[]> heap = new PriorityQueue<>((a, b) -> a[0] != b[0]
        ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
    for (int i = 0; i < corpus.length; i++) {
      double s = dot(query, corpus[i]);
      if (heap.size() < n) {
        heap.add(new double[] {s, i});
      } else if (s > heap.peek()[0] || (s == heap.peek()[0] && i < heap.peek()[1])) {
        heap.poll();
        heap.add(new double[] {s, i});
      }
    }
    int[] out = new int[heap.size()];
    for (int j = out.length - 1; j >= 0; j--) {
      out[j] = (int) heap.poll()[1];
    }
    return out;
  }

  /** Inner product of two vectors of equal length, accumulated in double. */
  public static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
