#!/usr/bin/python3
"""End to end: broker_source with a Kafka consumer group, against a real rtaid.

1. A confluent-kafka consumer in group G (subscribe, so it joins the group)
   consumes part of a 2-partition topic, commits offsets 8 and 5, and leaves.
2. A bounded job with "group": "G", "start": "committed" processes exactly
   the rest (the sink holds each remaining event once, nothing before the
   commits), and commits its end offsets when it finishes: a Kafka client's
   committed() sees 20 and 20.
3. While a consumer of G is in the group, a job committing to G is refused
   (standalone commits need an empty group): the job keeps running and its
   commits land once the consumer leaves.
4. A checkpointed job with group G2 commits on checkpoint completion:
   committed() follows the records it processed, including new ones.
5. After an rtaid restart the committed offsets are still there (durable in
   __consumer_offsets) before jobs run: the resubmitted bounded job starts
   from G's committed offsets and adds exactly the newer events.

usage: group_offsets_e2e_test.py RTAID RTAI_CLI
"""
import json
import os
import sys
import tempfile
import time

from rtaid_process import check, start_rtaid, stop
import rtaid_process

from confluent_kafka import Consumer, Producer, TopicPartition

PER_PARTITION = 20


def cli(cli_path, grpc, *args):
    return rtaid_process.cli(cli_path, grpc, *args).stdout


def job(name, group, extra, checkpoint_ms, sink_topic):
    return {
        "version": 1, "name": name,
        "schemas": [{"name": "ev", "fields": [{"name": "id", "type": "int64"},
                                              {"name": "p", "type": "int64"}]}],
        "checkpoint": {"interval_ms": checkpoint_ms},
        "nodes": [
            {"uid": "src", "operator": "broker_source",
             "config": dict({"topic": "events", "schema": "ev", "group": group}, **extra)},
            {"uid": "out", "operator": "broker_sink", "config": {"topic": sink_topic}}],
        "edges": [{"from": "src", "to": "out"}],
    }


def submit(cli_path, grpc, tmp, spec):
    path = os.path.join(tmp, spec["name"] + ".json")
    with open(path, "w") as f:
        json.dump(spec, f)
    return cli(cli_path, grpc, "job", "submit", path).strip()


def wait_status(cli_path, grpc, job_id, state, timeout_s=60):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        out = cli(cli_path, grpc, "job", "status", job_id)
        check("FAILED" not in out, "job %s failed: %s" % (job_id, out))
        if state in out.splitlines()[0]:
            return
        time.sleep(0.1)
    raise SystemExit("FAIL: job %s not %s" % (job_id, state))


def committed(kafka, group):
    c = Consumer({"bootstrap.servers": kafka, "group.id": group,
                  "enable.auto.commit": False})
    try:
        tps = c.committed([TopicPartition("events", p) for p in (0, 1)], timeout=10)
        return [tp.offset for tp in tps]
    finally:
        c.close()


def wait_committed(kafka, group, want, timeout_s=30):
    deadline = time.time() + timeout_s
    got = None
    while time.time() < deadline:
        got = committed(kafka, group)
        if got == want:
            return
        time.sleep(0.2)
    raise SystemExit("FAIL: group %s committed %r, want %r" % (group, got, want))


def read_all(kafka, topic, want, timeout_s=30):
    """Every record of `topic` partition 0, decoded (waits for `want`)."""
    c = Consumer({"bootstrap.servers": kafka, "group.id": "reader-" + topic,
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    c.assign([TopicPartition(topic, 0, 0)])
    got = []
    deadline = time.time() + timeout_s
    while time.time() < deadline and len(got) < want:
        m = c.poll(0.5)
        if m is not None and m.error() is None:
            got.append(json.loads(m.value()))
    # A little longer: more than `want` would be duplicates.
    end = time.time() + 1.0
    while time.time() < end:
        m = c.poll(0.2)
        if m is not None and m.error() is None:
            got.append(json.loads(m.value()))
    c.close()
    return got


def produce(kafka, start, count):
    p = Producer({"bootstrap.servers": kafka, "acks": "all"})
    for part in (0, 1):
        for i in range(start, start + count):
            p.produce("events", partition=part,
                      value=json.dumps({"id": part * 1000 + i, "p": part}).encode())
    check(p.flush(30) == 0, "produce did not complete")


def consume_and_commit(kafka, group, cut, consume=True):
    """Joins `group` (subscribe), consumes each partition up to `cut` (or
    only waits for its assignment), then commits `cut` as a member."""
    c = Consumer({"bootstrap.servers": kafka, "group.id": group,
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    c.subscribe(["events"])
    seen = {0: -1, 1: -1}
    def done():
        if consume:
            return all(seen[p] >= cut[p] - 1 for p in (0, 1))
        return len(c.assignment()) == 2
    deadline = time.time() + 30
    while time.time() < deadline and not done():
        m = c.poll(0.2)
        if m is not None and m.error() is None:
            seen[m.partition()] = max(seen[m.partition()], m.offset())
    check(done(), "consumer saw %r, assignment %r" % (seen, c.assignment()))
    c.commit(offsets=[TopicPartition("events", p, cut[p]) for p in (0, 1)],
             asynchronous=False)
    return c  # still a member until close()


def main():
    rtaid, cli_path = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = os.path.join(tmp, "data")
        log = os.path.join(tmp, "rtaid.log")
        proc, grpc, kafka = start_rtaid(rtaid, data_dir, log)
        try:
            cli(cli_path, grpc, "topic", "create", "events", "--partitions", "2")
            for t in ("rest", "held", "ckpt"):
                cli(cli_path, grpc, "topic", "create", t, "--partitions", "1")
            produce(kafka, 0, PER_PARTITION)

            # 1. A Kafka consumer group consumes and commits part.
            member = consume_and_commit(kafka, "G", {0: 8, 1: 5})
            member.close()  # leaves the group
            check(committed(kafka, "G") == [8, 5], "G after the consumer: %r"
                  % committed(kafka, "G"))

            # 2. The job processes exactly the rest, then commits its end.
            j1 = submit(cli_path, grpc, tmp, job(
                "rest", "G", {"start": "committed", "bounded": True}, 0, "rest"))
            wait_status(cli_path, grpc, j1, "FINISHED")
            want = {(0, i) for i in range(8, PER_PARTITION)} | \
                   {(1, 1000 + i) for i in range(5, PER_PARTITION)}
            rows = read_all(kafka, "rest", len(want))
            got = [(r["p"], r["id"]) for r in rows]
            check(len(got) == len(want) and set(got) == want,
                  "job output: %d rows, missing %r, extra %r"
                  % (len(got), sorted(want - set(got))[:5], sorted(set(got) - want)[:5]))
            check(committed(kafka, "G") == [PER_PARTITION] * 2,
                  "G after the job: %r" % committed(kafka, "G"))

            # 3. A member in G: the job's commits are refused (the job runs
            # on); they land once the member leaves.
            member = consume_and_commit(kafka, "G", {0: 2, 1: 2}, consume=False)
            j2 = submit(cli_path, grpc, tmp, job(
                "held", "G", {"start": "earliest", "commit_interval_ms": 200}, 0, "held"))
            check(len(read_all(kafka, "held", 2 * PER_PARTITION)) == 2 * PER_PARTITION,
                  "held job output")
            time.sleep(1.0)  # several commit intervals with the member present
            check(committed(kafka, "G") == [2, 2], "G with a member: %r" % committed(kafka, "G"))
            wait_status(cli_path, grpc, j2, "RUNNING")
            with open(log) as f:
                check("has active members" in f.read(), "no refused-commit warning in the log")
            member.close()
            wait_committed(kafka, "G", [PER_PARTITION] * 2)
            produce(kafka, PER_PARTITION, 3)  # the held job commits 23 on its interval
            wait_committed(kafka, "G", [PER_PARTITION + 3] * 2)
            cli(cli_path, grpc, "job", "cancel", j2)

            # 4. Checkpointing on: commits follow completed checkpoints.
            j3 = submit(cli_path, grpc, tmp, job(
                "ckpt", "G2", {"start": "earliest"}, 300, "ckpt"))
            wait_committed(kafka, "G2", [PER_PARTITION + 3] * 2)
            produce(kafka, PER_PARTITION + 3, 2)
            wait_committed(kafka, "G2", [PER_PARTITION + 5] * 2)
            cli(cli_path, grpc, "job", "cancel", j3)

            # 5. Durable: after a restart the offsets are there before jobs
            # run; the resubmitted bounded job (no checkpoints) starts from
            # G's committed 23 and adds exactly the 2 newer events of each
            # partition.
            stop(proc)
            proc, grpc, kafka = start_rtaid(rtaid, data_dir, log)
            check(committed(kafka, "G2") == [PER_PARTITION + 5] * 2,
                  "G2 after restart: %r" % committed(kafka, "G2"))
            wait_status(cli_path, grpc, j1, "FINISHED")
            more = {(p, p * 1000 + i) for p in (0, 1) for i in (23, 24)}
            rows = read_all(kafka, "rest", len(want) + len(more))
            got = [(r["p"], r["id"]) for r in rows]
            check(len(got) == len(want) + len(more) and set(got) == want | more,
                  "job output after restart: %d rows, extra %r"
                  % (len(got), sorted(set(got) - want - more)[:5]))
            wait_committed(kafka, "G", [PER_PARTITION + 5] * 2)
        finally:
            if proc.poll() is None:
                stop(proc)
    print("PASS group_offsets_e2e")


if __name__ == "__main__":
    main()
