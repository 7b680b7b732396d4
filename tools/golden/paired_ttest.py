#!/usr/bin/python3
"""Golden values for PairedDifference, from SciPy: the paired t-test (scipy.stats.ttest_rel) of
two models' per-query nDCG-like values in [0, 1] on the queries both have, its two-sided p-value
and the 95% confidence interval of the mean difference (TtestResult.confidence_interval). Model
b misses some of a's queries and has one a lacks; they are left out of the pairing.

Run: /usr/bin/python3 tools/golden/paired_ttest.py > core/src/test/resources/golden/paired_ttest.json
"""
import json

import numpy as np
from scipy.stats import ttest_rel

rng = np.random.default_rng(17)
cases = []
for n, shift in [(40, 0.03), (300, 0.004), (12, -0.2)]:
    a = np.clip(rng.beta(4, 2, size=n), 0, 1)
    b = np.clip(a - shift + rng.normal(scale=0.15, size=n), 0, 1)
    b[: n // 10] = a[: n // 10]  # ties: queries both models score alike
    ids = [f"q{i}" for i in range(n)]
    a_map = {q: float(v) for q, v in zip(ids, a)}
    b_map = {q: float(v) for q, v in zip(ids, b)}
    for q in ids[-3:]:
        del b_map[q]  # scored by a only
    b_map["only-b"] = 0.5
    common = [q for q in ids if q in b_map]
    r = ttest_rel([a_map[q] for q in common], [b_map[q] for q in common])
    ci = r.confidence_interval(0.95)
    cases.append({
        "a": a_map, "b": b_map, "queries": len(common),
        "mean": float(np.mean([a_map[q] - b_map[q] for q in common])),
        "low": float(ci.low), "high": float(ci.high), "p": float(r.pvalue),
    })
print(json.dumps({"cases": cases}, indent=1, sort_keys=True))
