#!/usr/bin/python3
"""Kafka transactions against rtaid with confluent-kafka (librdkafka 2.0.2).

Usage: kafka_transactions_test.py RTAID

One rtaid, one data directory; in order:
 1. commit, abort, several transactions in a row, multi-partition: a
    read_committed consumer sees exactly the committed records, a
    read_uncommitted one every data record (committed and aborted);
 2. consume-transform-produce with send_offsets_to_transaction: the group's
    committed offset moves only with a committed transaction (OffsetFetch);
 3. fencing: a second producer with the same transactional.id fences the
    first, whose commit fails and whose records are never visible;
 4. ListOffsets with read_committed stops at the last stable offset while a
    transaction is open;
 5. timeout: a producer process SIGKILLed mid-transaction has it aborted by
    the broker after transaction.timeout.ms; the last stable offset advances;
 6. concurrent producers: four transactional producers (distinct ids, one
    thread each) commit and abort interleaved transactions over the same
    partitions (their coordinator steps share fsyncs): read_committed sees
    exactly the committed records, no transaction is left hanging.
"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from txn_test_lib import (check, consume_all, create_topic, free_port, start_rtaid,  # noqa: E402
                          values, watermarks)


def producer(bootstrap, txn_id, timeout_ms=60000):
    p = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id,
                  "transaction.timeout.ms": timeout_ms, "linger.ms": 5})
    p.init_transactions(30)
    return p


def txn(p, topic, vals, commit, partitions=None):
    p.begin_transaction()
    for i, v in enumerate(vals):
        if partitions is None:
            p.produce(topic, v.encode(), key=v.encode())
        else:
            p.produce(topic, v.encode(), partition=partitions[i % len(partitions)])
    p.flush(30)
    if commit:
        p.commit_transaction(30)
    else:
        p.abort_transaction(30)


def basic(bootstrap):
    create_topic(bootstrap, "tx", 3)
    p = producer(bootstrap, "basic")
    committed, aborted = [], []
    for n in range(6):
        vals = ["t%d-r%d" % (n, i) for i in range(20)]
        commit = n % 3 != 1
        txn(p, "tx", vals, commit, partitions=[0, 1, 2])
        (committed if commit else aborted).extend(vals)
    rc = consume_all(bootstrap, "tx", 3, "read_committed")
    check(values(rc) == sorted(committed),
          "read_committed saw %d records, expected the %d committed ones"
          % (len(rc), len(committed)))
    ru = consume_all(bootstrap, "tx", 3, "read_uncommitted")
    check(values(ru) == sorted(committed + aborted),
          "read_uncommitted saw %d records, expected %d" % (len(ru), len(committed + aborted)))
    print("ok basic: %d committed, %d aborted over 3 partitions" % (len(committed), len(aborted)))


def consume_transform_produce(bootstrap):
    create_topic(bootstrap, "ctp-in", 1)
    create_topic(bootstrap, "ctp-out", 1)
    plain = Producer({"bootstrap.servers": bootstrap})
    for i in range(30):
        plain.produce("ctp-in", ("in-%d" % i).encode())
    plain.flush(30)
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "ctp",
                  "enable.auto.commit": False, "auto.offset.reset": "earliest",
                  "isolation.level": "read_committed"})
    c.subscribe(["ctp-in"])
    p = producer(bootstrap, "ctp")
    batch, done, rounds = [], 0, 0
    deadline = time.time() + 60
    while done < 30 and time.time() < deadline:
        m = c.poll(0.5)
        if m is None or m.error():
            continue
        batch.append(m)
        if len(batch) < 10:
            continue
        p.begin_transaction()
        for b in batch:
            p.produce("ctp-out", b.value().upper())
        offsets = [TopicPartition("ctp-in", 0, batch[-1].offset() + 1)]
        p.send_offsets_to_transaction(offsets, c.consumer_group_metadata(), 30)
        commit = rounds != 1  # the second round is aborted
        if commit:
            p.commit_transaction(30)
            done += len(batch)
        else:
            p.abort_transaction(30)
            # Rewind to the last committed position, as a real app would.
            committed = c.committed([TopicPartition("ctp-in", 0)], 10)[0].offset
            c.seek(TopicPartition("ctp-in", 0, committed))
        rounds += 1
        batch = []
        got = c.committed([TopicPartition("ctp-in", 0)], 10)[0].offset
        check(got == done, "committed offset %d after round %d, expected %d" % (got, rounds, done))
    check(done == 30, "consume-transform-produce stalled at %d" % done)
    c.close()
    out = consume_all(bootstrap, "ctp-out", 1, "read_committed")
    check(values(out) == sorted(("IN-%d" % i) for i in range(30)),
          "ctp-out read_committed: %s" % values(out)[:12])
    print("ok consume-transform-produce: 30 records, offsets committed with the output")


def fencing(bootstrap):
    create_topic(bootstrap, "fence", 1)
    old = producer(bootstrap, "fenced-id")
    old.begin_transaction()
    old.produce("fence", b"zombie")
    old.flush(30)
    new = producer(bootstrap, "fenced-id")  # fences `old`, aborts its transaction
    failed = False
    try:
        old.produce("fence", b"zombie-2")
        old.flush(10)
        old.commit_transaction(10)
    except KafkaException as e:
        failed = True
        err = e.args[0]
        check(err.fatal() or err.txn_requires_abort() or "fenced" in str(err).lower(),
              "unexpected error for the fenced producer: %s" % err)
    check(failed, "the fenced producer committed")
    txn(new, "fence", ["fresh"], True)
    rc = consume_all(bootstrap, "fence", 1, "read_committed")
    check(values(rc) == ["fresh"], "fence read_committed: %s" % values(rc))
    print("ok fencing: the first producer's commit failed, its records are invisible")


def last_stable_offset(bootstrap):
    create_topic(bootstrap, "lso", 1)
    p = producer(bootstrap, "lso-id")
    txn(p, "lso", ["a", "b"], True, partitions=[0])  # offsets 0,1 + marker 2
    p.begin_transaction()
    p.produce("lso", b"open", partition=0)
    p.flush(30)
    rc = Consumer({"bootstrap.servers": bootstrap, "group.id": "lso-rc",
                   "isolation.level": "read_committed"})
    ru = Consumer({"bootstrap.servers": bootstrap, "group.id": "lso-ru",
                   "isolation.level": "read_uncommitted"})
    _, high_rc = rc.get_watermark_offsets(TopicPartition("lso", 0), 10)
    _, high_ru = ru.get_watermark_offsets(TopicPartition("lso", 0), 10)
    check(high_rc == 3 and high_ru == 4,
          "ListOffsets latest: read_committed %d (want LSO 3), read_uncommitted %d (want 4)"
          % (high_rc, high_ru))
    p.commit_transaction(30)
    _, high_rc = rc.get_watermark_offsets(TopicPartition("lso", 0), 10)
    check(high_rc == 5, "after commit the LSO is %d, want 5" % high_rc)
    rc.close()
    ru.close()
    print("ok last stable offset via ListOffsets")


ABANDON = r"""
import sys
from confluent_kafka import Producer
p = Producer({"bootstrap.servers": sys.argv[1], "transactional.id": "abandoned",
              "transaction.timeout.ms": 2000})
p.init_transactions(30)
p.begin_transaction()
for i in range(10):
    p.produce("timeout", ("lost-%d" % i).encode(), partition=0)
p.flush(30)
print("ready", flush=True)
sys.stdin.read()
"""


def timeout(bootstrap):
    create_topic(bootstrap, "timeout", 1)
    child = subprocess.Popen(["/usr/bin/python3", "-c", ABANDON, bootstrap],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    check(child.stdout.readline().strip() == b"ready", "the abandoning producer did not start")
    child.send_signal(signal.SIGKILL)  # the producer disappears mid-transaction
    child.wait()
    plain = Producer({"bootstrap.servers": bootstrap})
    plain.produce("timeout", b"after", partition=0)
    plain.flush(30)
    (lso, hw), = watermarks(bootstrap, "timeout", 1)
    check(lso == 0 and hw == 11, "while open: LSO %d (want 0), HW %d (want 11)" % (lso, hw))
    deadline = time.time() + 20
    while time.time() < deadline:
        (lso, hw), = watermarks(bootstrap, "timeout", 1)
        if lso == hw:
            break
        time.sleep(0.2)
    check(lso == hw == 12, "after the timeout: LSO %d, HW %d (want both 12)" % (lso, hw))
    rc = consume_all(bootstrap, "timeout", 1, "read_committed")
    check(values(rc) == ["after"], "timeout read_committed: %s" % values(rc))
    print("ok timeout: the abandoned transaction was aborted, the LSO advanced")


def concurrent_producers(bootstrap):
    create_topic(bootstrap, "conc", 2)
    committed, aborted, errors = [], [], []
    lock = threading.Lock()

    def run(k):
        try:
            p = producer(bootstrap, "conc-%d" % k)
            for n in range(15):
                vals = ["p%d-t%d-r%d" % (k, n, i) for i in range(30)]
                commit = (n + k) % 4 != 0
                txn(p, "conc", vals, commit, partitions=[0, 1])
                with lock:
                    (committed if commit else aborted).extend(vals)
        except Exception as e:  # reported by the main thread
            errors.append("producer %d: %r" % (k, e))
    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    check(not errors, "concurrent producers failed: %s" % errors)
    rc = consume_all(bootstrap, "conc", 2, "read_committed")
    check(values(rc) == sorted(committed),
          "read_committed saw %d records, expected the %d committed ones"
          % (len(rc), len(committed)))
    ru = consume_all(bootstrap, "conc", 2, "read_uncommitted")
    check(values(ru) == sorted(committed + aborted),
          "read_uncommitted saw %d records, expected %d" % (len(ru), len(committed + aborted)))
    for lso, hw in watermarks(bootstrap, "conc", 2):
        check(lso == hw, "a transaction is left hanging: LSO %d < HW %d" % (lso, hw))
    print("ok concurrent producers: 4 x 15 transactions, %d committed, %d aborted records"
          % (len(committed), len(aborted)))


def main():
    rtaid = sys.argv[1]
    port = free_port()
    with tempfile.TemporaryDirectory() as work:
        log = os.path.join(work, "rtaid.log")
        proc = start_rtaid(rtaid, os.path.join(work, "data"), port, log)
        bootstrap = "127.0.0.1:%d" % port
        try:
            basic(bootstrap)
            consume_transform_produce(bootstrap)
            fencing(bootstrap)
            last_stable_offset(bootstrap)
            timeout(bootstrap)
            concurrent_producers(bootstrap)
        except BaseException:
            with open(log) as f:
                sys.stderr.write(f.read()[-6000:])
            raise
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print("PASS kafka transactions (confluent-kafka)")


if __name__ == "__main__":
    main()
