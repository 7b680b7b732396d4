#!/usr/bin/python3
"""Golden values for KMeans: Gaussian blobs, scikit-learn's KMeans (k-means++, n_init=10) inertia
and the V-measure of its assignment against the blob labels.

Run: /usr/bin/python3 tools/golden/kmeans.py > core/src/test/resources/golden/kmeans.json
"""
import json

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import v_measure_score

rng = np.random.default_rng(5)
k, d = 5, 12
centres = rng.normal(scale=3.0, size=(k, d))
labels = rng.integers(0, k, size=200)
x = (centres[labels] + rng.normal(size=(200, d))).astype(np.float32)
km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x.astype(np.float64))
print(json.dumps({"k": k, "x": x.tolist(), "labels": labels.tolist(),
                  "inertia": float(km.inertia_),
                  "v_measure": float(v_measure_score(labels, km.labels_))}))
