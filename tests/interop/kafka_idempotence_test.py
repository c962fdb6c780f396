#!/usr/bin/python3
"""Idempotent producer against rtaid killed mid-stream.

Usage: kafka_idempotence_test.py RTAID

confluent-kafka (librdkafka 2.0.2) produces N keyed records with
enable.idempotence=True and acks=all to a 3-partition topic while rtaid is
SIGKILLed and restarted twice on the same data directory and Kafka port.
Then everything is consumed: every acknowledged record must appear exactly
once, and no record may appear twice (retries after the restart must be
recognized as duplicates from the sequence state recovered from the log).
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

N = 3000
TOPIC = "idem"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_rtaid(path, data_dir, port, log_path):
    """Starts rtaid, its stderr going to log_path (never a pipe nobody drains)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        with open(log_path, "w") as log:
            proc = subprocess.Popen([path, "--data-dir=" + data_dir,
                                     "--grpc-listen=127.0.0.1:0",
                                     "--kafka-listen=127.0.0.1:%d" % port,
                                     "--http-listen=127.0.0.1:0"],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=log)
        while proc.poll() is None and time.time() < deadline:
            with open(log_path) as log:
                if 'msg="rtaid listening"' in log.read():
                    return proc
            time.sleep(0.02)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        with open(log_path) as log:
            sys.stderr.write(log.read())
        time.sleep(0.2)  # the port may still be held: try again
    raise SystemExit("rtaid did not start")


def check(cond, msg):
    if not cond:
        raise SystemExit("FAIL: " + msg)


def main():
    rtaid = sys.argv[1]
    port = free_port()
    with tempfile.TemporaryDirectory() as work:
        data_dir = os.path.join(work, "data")
        logs = [os.path.join(work, "rtaid-0.log")]
        proc = start_rtaid(rtaid, data_dir, port, logs[0])
        bootstrap = "127.0.0.1:%d" % port
        admin = AdminClient({"bootstrap.servers": bootstrap})
        admin.create_topics([NewTopic(TOPIC, 3, 1)])[TOPIC].result(30)
        acked, failed = set(), []

        def on_delivery(err, msg):
            if err is None:
                acked.add(msg.value().decode())
            else:
                failed.append(str(err))

        producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True,
                             "acks": "all", "linger.ms": 5, "message.timeout.ms": 120000,
                             "retry.backoff.ms": 50, "reconnect.backoff.ms": 50,
                             "reconnect.backoff.max.ms": 500})
        kills = {N // 3, 2 * N // 3}
        for i in range(N):
            producer.produce(TOPIC, key="k%d" % (i % 97), value="v%d" % i,
                             on_delivery=on_delivery)
            producer.poll(0)
            if i % 50 == 0:
                time.sleep(0.005)  # keep batches in flight while killing
            if i in kills:
                # Mid-stream: most earlier records acknowledged, the rest in flight.
                wait_until = time.time() + 10
                while len(acked) < i - 300 and time.time() < wait_until:
                    producer.poll(0.01)
                check(len(acked) > 0, "nothing acknowledged before the kill")
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                logs.append(os.path.join(work, "rtaid-%d.log" % len(logs)))
                proc = start_rtaid(rtaid, data_dir, port, logs[-1])
        remaining = producer.flush(120)
        check(remaining == 0, "%d records never delivered" % remaining)
        check(not failed, "delivery errors: %s" % failed[:5])
        check(len(acked) == N, "acknowledged %d of %d" % (len(acked), N))

        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "idem-check",
                             "enable.auto.commit": False})
        consumer.assign([TopicPartition(TOPIC, p, 0) for p in range(3)])
        counts = {}
        deadline = time.time() + 60
        total = 0
        while time.time() < deadline and total < N + 100:
            msg = consumer.poll(1.0)
            if msg is None:
                if total >= N:
                    break
                continue
            check(msg.error() is None, "consume error %s" % msg.error())
            v = msg.value().decode()
            counts[v] = counts.get(v, 0) + 1
            total += 1
        consumer.close()
        dups = [v for v, c in counts.items() if c > 1]
        check(not dups, "%d records duplicated, e.g. %s" % (len(dups), dups[:5]))
        missing = [v for v in acked if v not in counts]
        check(not missing, "%d acknowledged records missing, e.g. %s"
              % (len(missing), missing[:5]))
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        recovered = 0
        for path in logs[1:]:
            with open(path) as log:
                recovered += log.read().count("recovered idempotent producer state")
        check(recovered > 0, "no restart recovered producer state from the log")
    print("PASS idempotent producer across two SIGKILLs: %d records exactly once" % N)


if __name__ == "__main__":
    main()
