#!/usr/bin/python3
"""Kafka transactions across SIGKILLs of rtaid (confluent-kafka).

Usage: kafka_txn_crash_test.py RTAID

 A. SIGKILL mid-transaction (data written, no EndTxn): after the restart
    the same producer continues the transaction and commits it whole.
 B. SIGKILL between EndTxn(commit) and the markers (failpoint "prepared":
    the decision is durable, no marker written): the restarted broker writes
    the commit markers; every record of the transaction becomes visible.
 C. SIGKILL after the first abort marker of a two-partition transaction
    (failpoint "marker_written"): the restart writes the rest; none of its
    records is ever visible to read_committed.
After each restart the transaction is all-or-nothing, no transaction is
left hanging (last stable offset == high watermark everywhere) and the
producer (or its successor with the same transactional.id) continues.
"""
import os
import signal
import sys
import tempfile
import threading
import time

from confluent_kafka import KafkaException, Producer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from txn_test_lib import (check, consume_all, create_topic, free_port, start_rtaid,  # noqa: E402
                          values, watermarks)

TOPIC = "crash"


def new_producer(bootstrap, txn_id):
    p = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id,
                  "transaction.timeout.ms": 60000, "linger.ms": 5,
                  "reconnect.backoff.max.ms": 200})
    p.init_transactions(60)
    return p


def produce(p, prefix, n):
    for i in range(n):
        p.produce(TOPIC, ("%s-%d" % (prefix, i)).encode(), partition=i % 2)
    p.flush(60)


def end_in_thread(p, commit):
    result = {}

    def run():
        try:
            (p.commit_transaction if commit else p.abort_transaction)(90)
            result["ok"] = True
        except KafkaException as e:
            result["error"] = e.args[0]
    t = threading.Thread(target=run)
    t.start()
    return t, result


def wait_exit(proc, what):
    try:
        proc.wait(timeout=60)
    except Exception:
        raise SystemExit("FAIL: rtaid did not die at failpoint " + what)


class Rtaid:
    def __init__(self, binary, work, port):
        self.binary, self.work, self.port, self.n = binary, work, port, 0
        self.data = os.path.join(work, "data")
        self.proc = None

    def start(self, failpoint=None):
        self.n += 1
        self.log = os.path.join(self.work, "rtaid-%d.log" % self.n)
        self.proc = start_rtaid(self.binary, self.data, self.port, self.log, failpoint=failpoint)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


def main():
    binary = sys.argv[1]
    port = free_port()
    bootstrap = "127.0.0.1:%d" % port
    with tempfile.TemporaryDirectory() as work:
        r = Rtaid(binary, work, port)
        r.start()
        create_topic(bootstrap, TOPIC, 2)
        committed, aborted = [], []

        # A. mid-transaction.
        p = new_producer(bootstrap, "mid")
        p.begin_transaction()
        produce(p, "a1", 100)
        r.kill()
        r.start()
        produce(p, "a2", 100)
        p.commit_transaction(90)
        committed += ["a1-%d" % i for i in range(100)] + ["a2-%d" % i for i in range(100)]
        p.begin_transaction()
        produce(p, "a3", 10)
        p.abort_transaction(60)
        aborted += ["a3-%d" % i for i in range(10)]
        print("ok A: killed mid-transaction, the producer continued and committed")

        # B. between EndTxn(commit) and the markers.
        r.kill()
        r.start(failpoint="prepared")
        p = new_producer(bootstrap, "between")
        p.begin_transaction()
        produce(p, "b1", 50)
        t, result = end_in_thread(p, commit=True)
        wait_exit(r.proc, "prepared")
        r.start()
        t.join(120)
        committed += ["b1-%d" % i for i in range(50)]
        if "ok" not in result:
            print("note B: commit_transaction reported %s; a new incarnation continues"
                  % result.get("error"))
            p = new_producer(bootstrap, "between")
        p.begin_transaction()
        produce(p, "b2", 20)
        p.commit_transaction(60)
        committed += ["b2-%d" % i for i in range(20)]
        print("ok B: killed between EndTxn and the markers; commit completed at restart")

        # C. after the first abort marker.
        r.kill()
        r.start(failpoint="marker_written")
        p = new_producer(bootstrap, "partial")
        p.begin_transaction()
        produce(p, "c1", 40)
        t, result = end_in_thread(p, commit=False)
        wait_exit(r.proc, "marker_written")
        r.start()
        t.join(120)
        aborted += ["c1-%d" % i for i in range(40)]
        if "ok" not in result:
            p = new_producer(bootstrap, "partial")
        p.begin_transaction()
        produce(p, "c2", 20)
        p.commit_transaction(60)
        committed += ["c2-%d" % i for i in range(20)]
        print("ok C: killed after the first abort marker; abort completed at restart")

        rc = consume_all(bootstrap, TOPIC, 2, "read_committed")
        check(values(rc) == sorted(committed),
              "read_committed: %d records, expected %d committed (extra %s, missing %s)"
              % (len(rc), len(committed), sorted(set(values(rc)) - set(committed))[:5],
                 sorted(set(committed) - set(values(rc)))[:5]))
        ru = consume_all(bootstrap, TOPIC, 2, "read_uncommitted")
        check(values(ru) == sorted(committed + aborted),
              "read_uncommitted: %d records, expected %d" % (len(ru), len(committed + aborted)))
        for lso, hw in watermarks(bootstrap, TOPIC, 2):
            check(lso == hw, "a transaction is left hanging: LSO %d < HW %d" % (lso, hw))
        r.proc.terminate()
        r.proc.wait(timeout=30)
    print("PASS kafka transactions across SIGKILLs: %d committed, %d aborted"
          % (len(committed), len(aborted)))


if __name__ == "__main__":
    main()
