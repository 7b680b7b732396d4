#!/usr/bin/python3
"""Golden values for BitextMining.f1: scikit-learn's weighted F1 as MTEB computes it.

    /usr/bin/python3 tools/golden/bitext_f1.py > core/src/test/resources/golden/bitext_f1.json
"""
import json

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

cases = []
rng = np.random.default_rng(11)
for n, p_correct in ((6, 0.5), (50, 0.3), (200, 0.8)):
    gold = np.arange(n)
    pred = np.where(rng.random(n) < p_correct, gold, rng.integers(0, n, n))
    cases.append({"predicted": pred.tolist(),
                  "f1": f1_score(gold, pred, average="weighted", zero_division=0),
                  "accuracy": accuracy_score(gold, pred)})
print(json.dumps(cases))
