#!/usr/bin/python3
"""Golden values for RetrievalMetrics: random graded qrels and scores, every query scoring every
document (so the ranking is complete). nDCG@k comes from scikit-learn's ndcg_score (linear gains,
log2 discount, ideal from the judged documents, which with a complete ranking equals trec_eval's
ndcg_cut); MAP over the full ranking from scikit-learn's average_precision_score; the cut
variants, recall, precision and MRR from trec_eval's published definitions, written out below.

Run: /usr/bin/python3 tools/golden/retrieval_metrics.py > core/src/test/resources/golden/retrieval_metrics.json
"""
import json
import math

import numpy as np
from sklearn.metrics import average_precision_score, ndcg_score

rng = np.random.default_rng(7)
n_queries, n_docs, ks = 12, 40, [1, 3, 5, 10, 40]
docs = [f"d{i:02d}" for i in range(n_docs)]
queries = {}
for q in range(n_queries):
    rel = np.zeros(n_docs, dtype=int)
    judged = rng.choice(n_docs, size=rng.integers(1, 8), replace=False)
    rel[judged] = rng.integers(1, 4, size=len(judged))
    if q == n_queries - 1:
        rel[:] = 0  # a query without relevant documents: skipped by every metric
    scores = rng.normal(size=n_docs)
    queries[f"q{q}"] = (rel, scores)


def cut_metrics(rel, scores, k):
    order = sorted(range(n_docs), key=lambda i: (-scores[i], [-ord(c) for c in docs[i]]))
    relevant = int((rel >= 1).sum())
    hits, ap, rr = 0, 0.0, 0.0
    for r, i in enumerate(order[:k], start=1):
        if rel[i] >= 1:
            hits += 1
            ap += hits / r
            rr = rr or 1.0 / r
    return {"map": ap / relevant, "recall": hits / relevant, "precision": hits / k, "mrr": rr}


expected = {}
judged_queries = [q for q, (rel, _) in queries.items() if rel.sum() > 0]
for k in ks:
    sums = {"ndcg": 0.0, "map": 0.0, "recall": 0.0, "precision": 0.0, "mrr": 0.0}
    for q in judged_queries:
        rel, scores = queries[q]
        sums["ndcg"] += ndcg_score([rel], [scores], k=k)
        for name, value in cut_metrics(rel, scores, k).items():
            sums[name] += value
    for name, value in sums.items():
        expected[f"{name}@{k}"] = value / len(judged_queries)
# Cross-check of the hand-written MAP against scikit-learn at the full depth (binary relevance).
full_map = float(np.mean([average_precision_score(queries[q][0] >= 1, queries[q][1])
                          for q in judged_queries]))
assert math.isclose(full_map, expected[f"map@{n_docs}"], rel_tol=1e-12), (full_map, expected)

print(json.dumps({
    "ks": ks,
    "docs": docs,
    "qrels": {q: {docs[i]: int(r) for i, r in enumerate(rel) if r > 0}
              for q, (rel, _) in queries.items()},
    "scores": {q: [float(s) for s in scores] for q, (_, scores) in queries.items()},
    "expected": expected,
    "sklearn_map_full": full_map,
}, indent=1))
