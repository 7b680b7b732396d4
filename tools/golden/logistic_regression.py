#!/usr/bin/python3
"""Golden values for LogisticRegression: scikit-learn's default LogisticRegression (lbfgs, C = 1,
L2, multinomial for more than two classes) on separable-ish Gaussian clusters, four classes and
two; its predictions with max_iter=100 (MTEB's setting, converged here), its coefficients solved
to a tight tolerance, and accuracy and macro F1 of the predictions.

Run: /usr/bin/python3 tools/golden/logistic_regression.py > core/src/test/resources/golden/logistic_regression.json
"""
import json
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

rng = np.random.default_rng(3)
cases = {}
for name, classes in (("four", 4), ("two", 2)):
    d = 16
    centres = rng.normal(scale=0.45, size=(classes, d))
    y_train = np.repeat(np.arange(classes), 8)
    y_test = rng.integers(0, classes, size=40)
    x_train = centres[y_train] + rng.normal(size=(len(y_train), d))
    x_test = centres[y_test] + rng.normal(size=(len(y_test), d))
    mteb = LogisticRegression(max_iter=100).fit(x_train, y_train)
    assert mteb.n_iter_[0] < 100, "reference did not converge in 100 iterations"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tight = LogisticRegression(max_iter=10000, tol=1e-10).fit(x_train, y_train)
    pred = mteb.predict(x_test)
    cases[name] = {
        "classes": classes,
        "x_train": x_train.tolist(), "y_train": y_train.tolist(),
        "x_test": x_test.tolist(), "y_test": y_test.tolist(),
        "predicted": pred.tolist(),
        "coef": tight.coef_.tolist(), "intercept": tight.intercept_.tolist(),
        "accuracy": float(accuracy_score(y_test, pred)),
        "f1_macro": float(f1_score(y_test, pred, average="macro")),
    }
print(json.dumps(cases))
