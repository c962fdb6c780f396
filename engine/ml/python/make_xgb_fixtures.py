#!/usr/bin/python3
"""Generates XGBoost 1.7 model fixtures for rtai's evaluator tests/benchmarks.

Usage: make_xgb_fixtures.py OUT_DIR [--only NAME]

For each case writes OUT_DIR/NAME.json, NAME.ubj (Booster.save_model),
NAME.rows (float32 row-major test rows, NaN = missing), NAME.pred (float32
libxgboost predictions for those rows) and a line in OUT_DIR/cases.txt:
"NAME num_features num_outputs num_rows". Deterministic (seeded numpy).
"""
import os
import sys

import numpy as np
import xgboost as xgb

CASES = [
    # name, objective, depth, trees, classes, features, missing fraction,
    # extra booster parameters
    ("binary_d3", "binary:logistic", 3, 20, 0, 6, 0.0, {}),
    ("binary_missing_d6", "binary:logistic", 6, 50, 0, 10, 0.2, {}),
    ("binary_base03_d8", "binary:logistic", 8, 15, 0, 6, 0.1,
     {"base_score": 0.3}),
    ("reg_d4_missing", "reg:squarederror", 4, 30, 0, 8, 0.1, {}),
    ("reg_base25_d2", "reg:squarederror", 2, 25, 0, 5, 0.0,
     {"base_score": 2.5}),
    ("reg_d1", "reg:squarederror", 1, 10, 0, 3, 0.0, {}),
    ("multi3_d5_missing", "multi:softprob", 5, 20, 3, 7, 0.15, {}),
    ("multi5_d3", "multi:softprob", 3, 10, 5, 6, 0.0, {}),
    ("forest_parallel3", "binary:logistic", 4, 6, 0, 5, 0.1,
     {"num_parallel_tree": 3, "subsample": 0.7, "colsample_bynode": 0.8}),
    ("bench_100x6", "binary:logistic", 6, 100, 0, 20, 0.05, {}),  # 20k rows
]
ROWS = 3000


def make_data(rng, n, features, objective, classes, missing):
    x = rng.normal(size=(n, features)).astype(np.float32)
    z = (x[:, 0] * 1.5 - x[:, 1] + 0.5 * x[:, 2] * x[:, 0] + np.sin(x[:, -1])
         + 0.3 * np.sum(x[:, 3:] ** 2, axis=1) - 0.3 * (features - 3))
    if objective == "binary:logistic":
        y = (z + rng.normal(scale=0.5, size=n) > 0).astype(np.float32)
    elif objective == "reg:squarederror":
        y = (z + rng.normal(scale=0.3, size=n)).astype(np.float32)
    else:
        y = np.digitize(z, np.quantile(z, np.linspace(0, 1, classes + 1)[1:-1]))
        y = y.astype(np.float32)
    if missing > 0:
        x[rng.random(size=x.shape) < missing] = np.nan
    return x, y


def main():
    out = sys.argv[1]
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    os.makedirs(out, exist_ok=True)
    lines = []
    for i, (name, obj, depth, trees, classes, feats, miss, extra) in enumerate(CASES):
        if only and name != only:
            continue
        rng = np.random.default_rng(1000 + i)
        train_rows = 20000 if name.startswith("bench") else 4000
        x, y = make_data(rng, train_rows, feats, obj, classes, miss)
        params = {"objective": obj, "max_depth": depth, "eta": 0.3,
                  "seed": 7, "nthread": 1}
        if classes:
            params["num_class"] = classes
        params.update(extra)
        names = [f"f_{i}" for i in range(feats)] if name == "binary_d3" else None
        dtrain = xgb.DMatrix(x, y, missing=np.nan, feature_names=names)
        booster = xgb.train(params, dtrain, trees)
        booster.save_model(os.path.join(out, name + ".json"))
        booster.save_model(os.path.join(out, name + ".ubj"))
        xt, _ = make_data(rng, ROWS, feats, obj, classes, miss)
        pred = booster.predict(xgb.DMatrix(xt, missing=np.nan,
                                           feature_names=names))
        pred = np.asarray(pred, dtype=np.float32).reshape(ROWS, -1)
        xt.tofile(os.path.join(out, name + ".rows"))
        pred.tofile(os.path.join(out, name + ".pred"))
        lines.append(f"{name} {feats} {pred.shape[1]} {ROWS}\n")
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
