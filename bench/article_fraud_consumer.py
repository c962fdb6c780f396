#!/usr/bin/python3
"""The article's Step 2 design, measured: a confluent-kafka consumer that
json.loads each transaction, extracts features in Python and calls
scikit-learn's predict_proba([features]) per message (the article's loop,
with the per-card features of the rtai fraud job so both sides compute the
same thing). Run with /usr/bin/python3.

  article_fraud_consumer.py BOOTSTRAP TOPIC N TRAIN_TX TRAIN_LABELS

Trains a GradientBoostingClassifier (60 trees, depth 3; the article's
"pre-trained model") on the training JSON lines, then consumes N messages
from TOPIC (earliest) and prints one line:
  article_consumer messages=N seconds=S per_second=R cpu_ms=C per_cpu_second=P alerts=A
"""
import collections
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "engine", "ml", "python"))
import train_fraud_champion as tfc  # noqa: E402  (features, haversine)
from confluent_kafka import Consumer  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402
import numpy as np  # noqa: E402


class Cards:
    """Per-card state for extract_features (the trainer's definitions)."""

    def __init__(self):
        self.cards = collections.defaultdict(tfc.CardState)

    def extract_features(self, t):
        c = self.cards[t["card_id"]]
        now, amount = t["event_time_ms"], float(t["amount"])
        c.window.append((now, amount))
        while c.window[0][0] <= now - 3600_000:
            c.window.popleft()
        last_min = [a for (ts, a) in c.window if ts > now - 60_000]
        std = math.sqrt(c.m2 / c.n) if c.n >= 2 else 0.0
        z = (amount - c.mean) / std if std > 0 else 0.0
        lat, lon = float(t["merchant_lat"]), float(t["merchant_lon"])
        dist = tfc.haversine_km(c.last[0], c.last[1], lat, lon) if c.last else 0.0
        row = [amount, (now // 3600_000) % 24, len(last_min), sum(last_min),
               len(c.window), sum(a for (_, a) in c.window), z, dist,
               1.0 if t["channel"] == "online" else 0.0,
               1.0 if t["channel"] == "swipe" else 0.0]
        c.n += 1
        d = amount - c.mean
        c.mean += d / c.n
        c.m2 += d * (amount - c.mean)
        c.last = (lat, lon)
        return row


def main():
    bootstrap, topic, n, train_tx, train_labels = sys.argv[1:6]
    n = int(n)
    txs = tfc.read_jsonl(train_tx)
    labels = {l["event_id"]: bool(l["is_fraud"]) for l in tfc.read_jsonl(train_labels)}
    txs.sort(key=lambda t: (t["event_time_ms"], t["event_id"]))
    x = tfc.features(txs)
    y = np.array([1 if labels[t["event_id"]] else 0 for t in txs])
    model = GradientBoostingClassifier(n_estimators=60, max_depth=3, random_state=1)
    model.fit(x, y)

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "article-bench",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    cards = Cards()
    seen = alerts = 0
    start = None
    while seen < n:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(f"Consumer error: {msg.error()}", file=sys.stderr)
            continue
        if start is None:
            start = time.monotonic()  # from the first message (not the group join)
            cpu_start = time.process_time()
        transaction = json.loads(msg.value().decode("utf-8"))
        features = cards.extract_features(transaction)
        fraud_probability = model.predict_proba([features])[0][1]
        if fraud_probability > 0.5:
            alerts += 1
        seen += 1
    seconds = time.monotonic() - start
    cpu = time.process_time() - cpu_start
    consumer.close()
    print(f"article_consumer messages={seen} seconds={seconds:.3f} "
          f"per_second={seen / seconds:.0f} cpu_ms={cpu * 1000:.0f} "
          f"per_cpu_second={seen / cpu:.0f} alerts={alerts}")


if __name__ == "__main__":
    main()
