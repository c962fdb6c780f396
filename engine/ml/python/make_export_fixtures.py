#!/usr/bin/python3
"""Test fixtures for export_model.py: fits small scikit-learn models, pickles
them, exports them with export_model.py (as a user would, via the CLI) and
writes rows and sklearn's predict_proba for rtai's evaluator to compare.

Usage: make_export_fixtures.py OUT_DIR
Writes NAME.json, NAME.rows (float32), NAME.proba (float64, n x classes) and
cases.txt lines "NAME kind num_features num_classes num_rows". Also checks
that real XGBoost loads each exported GBC model and agrees with sklearn.
"""
import os
import pickle
import subprocess
import sys

import numpy as np
import xgboost as xgb
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3000, 5)).astype(np.float32)
    z = x[:, 0] - 2 * x[:, 1] + x[:, 2] * x[:, 3]
    y2 = (z + rng.normal(scale=0.5, size=len(z)) > 0).astype(int)
    y3 = np.digitize(z, [-1, 1])
    cases = [
        ("lr", LogisticRegression(C=0.5), y2),
        ("gbc_binary", GradientBoostingClassifier(n_estimators=60, max_depth=3,
                                                  random_state=1), y2),
        ("gbc_multi", GradientBoostingClassifier(n_estimators=30, max_depth=4,
                                                 learning_rate=0.2,
                                                 random_state=1), y3),
    ]
    lines = []
    xt = rng.normal(size=(2000, 5)).astype(np.float32)
    for name, model, y in cases:
        model.fit(x, y)
        pkl = os.path.join(out, name + ".pkl")
        with open(pkl, "wb") as f:
            pickle.dump(model, f)
        dst = os.path.join(out, name + ".json")
        subprocess.run([sys.executable, os.path.join(HERE, "export_model.py"),
                        pkl, dst, "--feature-names", "a,b,c,d,e"], check=True)
        proba = model.predict_proba(xt).astype(np.float64)
        if name.startswith("gbc"):
            booster = xgb.Booster(model_file=dst)
            dm = xgb.DMatrix(xt, feature_names=["a", "b", "c", "d", "e"])
            got = booster.predict(dm).reshape(len(xt), -1)
            if got.shape[1] == 1:
                got = np.hstack([1 - got, got])
            assert np.max(np.abs(got - proba)) < 1e-5, name
        xt.tofile(os.path.join(out, name + ".rows"))
        proba.tofile(os.path.join(out, name + ".proba"))
        lines.append(f"{name} {type(model).__name__} 5 {proba.shape[1]} {len(xt)}\n")
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
