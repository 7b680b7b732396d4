package io.embedspark.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The best {@code k} (document, score) pairs seen so far for one query, as a bounded heap whose
 * root is the worst kept pair. Order: higher score first, equal scores by document id descending
 * (trec_eval's order), so the kept set does not depend on the order documents arrive in, and
 * partial results merge to exactly the global top k.
 */
public final class TopK implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int k;
  private final double[] scores;
  private final String[] ids;
  private int size;

  public TopK(int k) {
    this.k = k;
    this.scores = new double[k];
    this.ids = new String[k];
  }

  /** Offers a candidate; kept when among the best k so far. */
  public void offer(String id, double score) {
    if (size < k) {
      scores[size] = score;
      ids[size] = id;
      siftUp(size++);
    } else if (worse(scores[0], ids[0], score, id)) {
      scores[0] = score;
      ids[0] = id;
      siftDown(0);
    }
  }

  /**
   * The lowest float score that may still enter: minus infinity until k pairs are kept, then the
   * worst kept score rounded down to float (a cheap pre-check; {@link #offer} decides ties).
   */
  public float threshold() {
    if (size < k) {
      return Float.NEGATIVE_INFINITY;
    }
    float f = (float) scores[0];
    return f > scores[0] ? Math.nextDown(f) : f;
  }

  /** This heap with the other's pairs offered into it. */
  public TopK merge(TopK other) {
    for (int i = 0; i < other.size; i++) {
      offer(other.ids[i], other.scores[i]);
    }
    return this;
  }

  /** The kept pairs, best first. */
  public List<Hit> best() {
    List<Hit> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(new Hit(ids[i], scores[i]));
    }
    out.sort((a, b) -> worse(a.score(), a.id(), b.score(), b.id()) ? 1
        : worse(b.score(), b.id(), a.score(), a.id()) ? -1 : 0);
    return out;
  }


  /** Whether (s1, id1) ranks below (s2, id2). */
  private static boolean worse(double s1, String id1, double s2, String id2) {
    return s1 < s2 || (s1 == s2 && id1.compareTo(id2) < 0);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!worse(scores[i], ids[i], scores[parent], ids[parent])) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int worst = i;
      if (l < size && worse(scores[l], ids[l], scores[worst], ids[worst])) {
        worst = l;
      }
      if (r < size && worse(scores[r], ids[r], scores[worst], ids[worst])) {
        worst = r;
      }
      if (worst == i) {
        return;
      }
      swap(i, worst);
      i = worst;
    }
  }

  private void swap(int a, int b) {
    double s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
    String id = ids[a];
    ids[a] = ids[b];
    ids[b] = id;
  }
}
