#!/usr/bin/env python3
"""The article's fraud example (Step 1 producer, Step 2 consumer) runs
unchanged against rtaid on localhost:9092.

Starts rtaid with its Kafka listener on 127.0.0.1:9092 (the address the
article hard-codes), trains a small scikit-learn model into fraud_model.pkl,
runs Step 1's send_transaction() for N transactions (some obviously
fraudulent), then runs Step 2's consumer loop in a child process until it has
scored all N, and checks that every transaction was scored once and that
exactly the fraudulent ones raised alerts.

usage: article_test.py RTAID_PATH
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
N = 200

# The user-supplied functions the article's Step 2 calls but does not define.
STEP2_PRELUDE = '''
import json as _json
def extract_features(transaction):
    with open("scored.jsonl", "a") as f:
        f.write(_json.dumps(transaction["id"]) + "\\n")
    return [transaction["amount"], transaction["distance_km"]]
def alert_security_team(transaction, fraud_probability):
    with open("alerts.jsonl", "a") as f:
        f.write(_json.dumps(transaction["id"]) + "\\n")
def update_model(model, features, feedback):
    pass
'''


def wait_for(pred, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def read_lines(path):
    return open(path).read().split() if os.path.exists(path) else []


def main():
    rtaid = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "rtaid.log")
        proc = subprocess.Popen(
            [rtaid, "--data-dir", os.path.join(tmp, "data"), "--grpc-listen", "127.0.0.1:0",
             "--kafka-listen", "127.0.0.1:9092", "--kafka-advertised", "localhost:9092",
             "--http-listen", "127.0.0.1:0"], stderr=open(log_path, "w"))
        consumer = None
        try:
            wait_for(lambda: 'msg="rtaid listening"' in open(log_path).read() or proc.poll() is not None,
                     60, "rtaid to start")
            if proc.poll() is not None:
                raise SystemExit("rtaid exited (is port 9092 free?):\n" + open(log_path).read())
            os.chdir(tmp)
            # The pre-trained model the article loads: fraud = large amount far away.
            from sklearn.linear_model import LogisticRegression
            import joblib
            X = [[a, d] for a in (5, 20, 50, 900, 1500) for d in (1, 3, 800, 2000)]
            y = [1 if a > 500 and d > 500 else 0 for a, d in X]
            joblib.dump(LogisticRegression(C=100.0, max_iter=1000).fit(X, y), "fraud_model.pkl")

            step1 = {}
            exec(open(os.path.join(HERE, "step1_producer.py")).read(), step1)
            fraud_ids = set()
            for i in range(N):
                fraud = i % 10 == 0
                if fraud:
                    fraud_ids.add(i)
                step1["send_transaction"]({"id": i, "amount": 1200.0 if fraud else 12.5,
                                           "distance_km": 1500.0 if fraud else 2.0})

            script = os.path.join(tmp, "step2.py")
            with open(script, "w") as f:
                f.write(STEP2_PRELUDE + open(os.path.join(HERE, "step2_consumer.py")).read())
            consumer = subprocess.Popen(["/usr/bin/python3", script], cwd=tmp)
            wait_for(lambda: len(read_lines("scored.jsonl")) >= N, 120, "Step 2 to score all transactions")
            time.sleep(1.0)  # anything scored twice would show up now
            scored = [int(x) for x in read_lines("scored.jsonl")]
            alerts = {int(x) for x in read_lines("alerts.jsonl")}
            if sorted(scored) != list(range(N)):
                raise SystemExit(f"expected each of {N} transactions scored once, got {len(scored)}")
            if alerts != fraud_ids:
                raise SystemExit(f"alerts {sorted(alerts)} != fraudulent {sorted(fraud_ids)}")
        finally:
            if consumer is not None:
                consumer.kill()
                consumer.wait()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    print(f"PASS article Step 1 + Step 2: {N} scored once, {len(fraud_ids)} alerts")


if __name__ == "__main__":
    main()
