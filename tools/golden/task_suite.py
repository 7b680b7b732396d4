#!/usr/bin/python3
"""Golden values for TaskEvaluator: the MTEB metrics of small STS, pair-classification,
reranking and bitext-mining tasks at two Matryoshka dimensions (the first d coordinates,
re-normalised to unit length), from SciPy and scikit-learn. Each text is named t<i>; its
embedding is vectors[i].

Run: /usr/bin/python3 tools/golden/task_suite.py > core/src/test/resources/golden/task_suite.json
"""
import json

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import average_precision_score, f1_score

rng = np.random.default_rng(23)
full = 8
dims = [4, 8]
n_texts = 120
vectors = rng.normal(size=(n_texts, full)).astype(np.float32)
# make pairs related: text 2i+1 is a noisy copy of text 2i
vectors[1::2] = (vectors[0::2] + rng.normal(scale=0.8, size=(n_texts // 2, full))).astype(
    np.float32)


def prefix(i, d):
    v = vectors[i, :d].astype(np.float64)
    return v / np.linalg.norm(v)


pairs = [(2 * i, 2 * i + 1) for i in range(30)] + [(2 * i, (2 * i + 9) % n_texts)
                                                   for i in range(30)]
sts_gold = [float(np.round(rng.uniform(0, 5) * 2) / 2) for _ in pairs]
pair_labels = [1] * 30 + [0] * 30
rerank = []
for q in range(6):
    query = 2 * q
    positives = [2 * q + 1]
    negatives = [int(x) for x in rng.choice(range(60, 120), size=5, replace=False)]
    rerank.append((query, positives, negatives))
bitext = [(2 * i, 2 * i + 1) for i in range(40)]

out = {"vectors": vectors.tolist(), "dims": dims,
       "sts": {"pairs": pairs, "gold": sts_gold},
       "pairs": {"pairs": pairs, "labels": pair_labels},
       "reranking": [{"query": q, "positive": p, "negative": ng} for q, p, ng in rerank],
       "bitext": bitext, "expected": {}}
for d in dims:
    a = np.array([prefix(i, d) for i, _ in pairs])
    b = np.array([prefix(j, d) for _, j in pairs])
    cos = (a * b).sum(1)
    out["expected"][f"sts/cosine_spearman/d{d}"] = float(spearmanr(cos, sts_gold).statistic)
    scores = {"cosine": cos, "dot": (a * b).sum(1), "euclidean": -np.linalg.norm(a - b, axis=1),
              "manhattan": -np.abs(a - b).sum(1)}
    aps = {k: float(average_precision_score(pair_labels, v)) for k, v in scores.items()}
    for k, v in aps.items():
        out["expected"][f"pairs/{k}_ap/d{d}"] = v
    out["expected"][f"pairs/max_ap/d{d}"] = max(aps.values())
    ap_sum, rr_sum = 0.0, 0.0
    for q, p, ng in rerank:
        cands = p + ng
        rel = np.array([1] * len(p) + [0] * len(ng))
        s = np.array([prefix(q, d) @ prefix(c, d) for c in cands])
        ap_sum += average_precision_score(rel, s)
        order = np.argsort(-s, kind="stable")
        rr_sum += next((1.0 / r for r, i in enumerate(order[:10], start=1) if rel[i]), 0.0)
    out["expected"][f"reranking/map/d{d}"] = ap_sum / len(rerank)
    out["expected"][f"reranking/mrr@10/d{d}"] = rr_sum / len(rerank)
    src = np.array([prefix(j, d) for _, j in bitext])
    tgt = np.array([prefix(i, d) for i, _ in bitext])
    predicted = (src @ tgt.T).argmax(1)
    gold = np.arange(len(bitext))
    out["expected"][f"bitext/f1/d{d}"] = float(f1_score(gold, predicted, average="weighted"))
    out["expected"][f"bitext/accuracy/d{d}"] = float((predicted == gold).mean())
print(json.dumps(out))
