#!/usr/bin/python3
"""Trains the fraud demo's champion on pre-drift generated transactions.

  rtai-cli fraud generate --out tx.jsonl --labels-out labels.jsonl \\
      --events 100000 --drift-after 100000
  train_fraud_champion.py tx.jsonl labels.jsonl champion.json \\
      [--pre-drift-events N] [--trainer xgboost|sklearn] [--seed S]

Reads the generator's JSON lines (schema: docs/MODELS.md), joins labels by
event_id, computes the per-card features the demo job computes (below, in
event-time order per card), trains a binary:logistic model on the
transactions with index < --pre-drift-events (default: all), and writes an
XGBoost 1.7 JSON model with feature names, ready for
`rtai-cli model register champion.json --name fraud`.

Features (order = FEATURES): amount; hour_of_day (UTC, 0-23); count_1m,
amount_1m, count_1h, amount_1h (the card's transactions in (t-60 s, t] and
(t-3600 s, t], the current one included); amount_zscore (against the mean and
population std of the card's earlier amounts; 0 with < 2 earlier or std 0);
distance_km (haversine to the card's previous merchant; 0 for the first);
is_online, is_swipe (channel).

--trainer xgboost (default) uses Debian's python3-xgboost; sklearn trains a
GradientBoostingClassifier and converts it with export_model.py. Prints the
AUC on a held-out seeded random 20 % as "auc=<value>" on stdout (the model
written is then retrained on all rows). Run with
/usr/bin/python3. Exits 2 on unusable input (message on stderr).
"""
import argparse
import collections
import json
import math
import os
import sys

import numpy as np

FEATURES = ["amount", "hour_of_day", "count_1m", "amount_1m", "count_1h",
            "amount_1h", "amount_zscore", "distance_km", "is_online",
            "is_swipe"]


def fail(msg):
    print(f"train_fraud_champion: {msg}", file=sys.stderr)
    sys.exit(2)


def read_jsonl(path):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                fail(f"{path}:{n}: not JSON ({e})")
    return out


def haversine_km(lat1, lon1, lat2, lon2):
    r = math.pi / 180
    a = (math.sin((lat2 - lat1) * r / 2) ** 2 + math.cos(lat1 * r) *
         math.cos(lat2 * r) * math.sin((lon2 - lon1) * r / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, a)))


class CardState:
    def __init__(self):
        self.window = collections.deque()  # (time_ms, amount), last hour
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.last = None  # (lat, lon)


def features(txs):
    """Feature rows for transactions sorted by event time."""
    cards = collections.defaultdict(CardState)
    rows = []
    for t in txs:
        c = cards[t["card_id"]]
        now, amount = t["event_time_ms"], float(t["amount"])
        c.window.append((now, amount))
        while c.window[0][0] <= now - 3600_000:
            c.window.popleft()
        last_min = [a for (ts, a) in c.window if ts > now - 60_000]
        std = math.sqrt(c.m2 / c.n) if c.n >= 2 else 0.0
        z = (amount - c.mean) / std if std > 0 else 0.0
        lat, lon = float(t["merchant_lat"]), float(t["merchant_lon"])
        dist = haversine_km(c.last[0], c.last[1], lat, lon) if c.last else 0.0
        rows.append([amount, (now // 3600_000) % 24, len(last_min),
                     sum(last_min), len(c.window),
                     sum(a for (_, a) in c.window), z, dist,
                     1.0 if t["channel"] == "online" else 0.0,
                     1.0 if t["channel"] == "swipe" else 0.0])
        c.n += 1  # Welford, after computing this row's z-score
        d = amount - c.mean
        c.mean += d / c.n
        c.m2 += d * (amount - c.mean)
        c.last = (lat, lon)
    return np.array(rows, dtype=np.float64)


def auc(y, p):
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sp = p[order]
    i = 0
    while i < len(sp):  # average ranks for ties
        j = i
        while j + 1 < len(sp) and sp[j + 1] == sp[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y.sum()
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)


def train_xgboost(x, y, seed, out):
    import xgboost as xgb
    d = xgb.DMatrix(x, label=y, feature_names=FEATURES)
    params = {"objective": "binary:logistic", "max_depth": 4, "eta": 0.2,
              "subsample": 0.9, "seed": seed, "eval_metric": "auc",
              "tree_method": "exact", "nthread": 1}
    booster = xgb.train(params, d, num_boost_round=60)
    booster.save_model(out)
    return lambda rows: booster.predict(xgb.DMatrix(rows, feature_names=FEATURES))


def train_sklearn(x, y, seed, out):
    from sklearn.ensemble import GradientBoostingClassifier
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import export_model
    model = GradientBoostingClassifier(n_estimators=60, max_depth=3,
                                       random_state=seed)
    model.fit(x.astype(np.float32), y)
    with open(out, "w") as f:
        json.dump(export_model.export(model, ",".join(FEATURES)), f)
    return lambda rows: model.predict_proba(rows.astype(np.float32))[:, 1]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("transactions")
    p.add_argument("labels")
    p.add_argument("out")
    p.add_argument("--pre-drift-events", type=int, default=None)
    p.add_argument("--trainer", choices=["xgboost", "sklearn"], default="xgboost")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    txs = read_jsonl(a.transactions)
    try:
        labels = {l["event_id"]: bool(l["is_fraud"]) for l in read_jsonl(a.labels)}
        if a.pre_drift_events is not None:
            txs = [t for t in txs
                   if int(t["event_id"].split("-")[1]) < a.pre_drift_events]
        txs.sort(key=lambda t: (t["event_time_ms"], t["event_id"]))
        x = features(txs)
        y = np.array([1 if labels[t["event_id"]] else 0 for t in txs])
    except (KeyError, ValueError, IndexError, TypeError) as e:
        fail(f"input does not follow the generator's schema: {e!r}")
    if len(txs) < 100 or y.sum() < 10 or y.sum() == len(y):
        fail(f"need >= 100 transactions with >= 10 frauds and some "
             f"legitimate ones (got {len(txs)}, {int(y.sum())} frauds)")
    # Pre-drift fraud happens at night only, so hold out a seeded random 20 %
    # rather than the last hours.
    held = np.random.default_rng(a.seed).random(len(y)) < 0.2
    if y[held].sum() == 0 or y[~held].sum() == 0:
        fail("too few frauds to hold some out (generate more events)")
    trainer = train_xgboost if a.trainer == "xgboost" else train_sklearn
    predict = trainer(x[~held], y[~held], a.seed, a.out + ".tmp")
    held_out_auc = auc(y[held], predict(x[held]))
    # The delivered model is trained on everything.
    trainer(x, y, a.seed, a.out)
    os.remove(a.out + ".tmp")
    print(f"auc={held_out_auc:.6f} transactions={len(y)} frauds={int(y.sum())}")


if __name__ == "__main__":
    main()
