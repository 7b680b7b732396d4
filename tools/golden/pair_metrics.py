#!/usr/bin/python3
"""Golden values for SimilarityMetrics and ClusteringMetrics, from SciPy and scikit-learn:
STS Spearman of cosine (scipy.stats.spearmanr; gold scores with ties), pair-classification
average precision per similarity function and its maximum (sklearn average_precision_score;
a duplicated pair makes tied scores), V-measure (sklearn v_measure_score), reranking MAP
(average_precision_score per query) and MRR@10.

Run: /usr/bin/python3 tools/golden/pair_metrics.py > core/src/test/resources/golden/pair_metrics.json
"""
import json

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import average_precision_score, v_measure_score

rng = np.random.default_rng(11)
n, d = 60, 8
first = rng.normal(size=(n, d)).astype(np.float32)
second = (first + rng.normal(scale=1.0, size=(n, d))).astype(np.float32)
second[5] = second[4]
first[5] = first[4]  # a duplicated pair: tied scores under every function
gold = np.round(rng.uniform(0, 5, size=n) * 2) / 2  # half-point scores, many ties
labels = rng.random(n) < 0.4
labels[4], labels[5] = True, False

a, b = first.astype(np.float64), second.astype(np.float64)
cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
scores = {
    "cosine": cosine,
    "dot": (a * b).sum(1),
    "euclidean": -np.linalg.norm(a - b, axis=1),
    "manhattan": -np.abs(a - b).sum(1),
}
ap = {k: float(average_precision_score(labels, v)) for k, v in scores.items()}
ap["max"] = max(ap.values())

true_clusters = rng.integers(0, 5, size=50)
predicted = np.where(rng.random(50) < 0.7, true_clusters, rng.integers(0, 6, size=50))

rerank = []
for q in range(8):
    m = int(rng.integers(6, 14))
    query = rng.normal(size=d).astype(np.float32)
    cands = (query + rng.normal(scale=1.5, size=(m, d))).astype(np.float32)
    rel = rng.random(m) < 0.3
    rel[0] = rel[0] or q % 2 == 0
    if q == 7:
        rel[:] = False  # no relevant candidate: skipped
    qd, cd = query.astype(np.float64), cands.astype(np.float64)
    cos = cd @ qd / np.linalg.norm(cd, axis=1) / np.linalg.norm(qd)
    entry = {"query": query.tolist(), "candidates": cands.tolist(), "relevant": rel.tolist()}
    if rel.any():
        entry["ap"] = float(average_precision_score(rel, cos))
        order = np.argsort(-cos)
        hit = next((r for r, i in enumerate(order[:10], start=1) if rel[i]), None)
        entry["rr10"] = 1.0 / hit if hit else 0.0
    rerank.append(entry)
scored = [e for e in rerank if "ap" in e]

print(json.dumps({
    "rerank": rerank,
    "rerank_map": float(np.mean([e["ap"] for e in scored])),
    "rerank_mrr10": float(np.mean([e["rr10"] for e in scored])),
    "first": first.tolist(), "second": second.tolist(), "gold": gold.tolist(),
    "labels": labels.tolist(),
    "spearman": float(spearmanr(cosine, gold).statistic),
    "average_precision": ap,
    "cluster_labels": true_clusters.tolist(), "cluster_predicted": predicted.tolist(),
    "v_measure": float(v_measure_score(true_clusters, predicted)),
}))
