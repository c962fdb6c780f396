#!/usr/bin/python3
"""End to end: a job submitted with rtai-cli to a real rtaid reads a topic
filled by a Kafka client (kafka-python) and writes window results that a Kafka
client reads back; malformed events reach the dead-letter topic; a bad job
graph is rejected with a clear error while the daemon and the running job keep
going; the job is resubmitted after an rtaid restart; cancel stops it.

usage: job_e2e_test.py RTAID RTAI_CLI
"""
import json
import os
import re
import sys
import tempfile
import time

from rtaid_process import check, start_rtaid, stop
import rtaid_process

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

JOB = {
    "version": 1,
    "name": "bids-per-auction",
    "schemas": [{"name": "bid", "fields": [
        {"name": "auction", "type": "int64"}, {"name": "price", "type": "int64"},
        {"name": "ts", "type": "timestamp"}]}],
    "watermark": {"max_out_of_orderness_ms": 1000, "idle_timeout_ms": 0},
    "nodes": [
        {"uid": "src", "operator": "broker_source",
         "config": {"topic": "bids", "schema": "bid", "event_time": "ts",
                    "dead_letter_topic": "bids-dlq"}},
        {"uid": "cheap", "operator": "filter", "config": {"predicate": "price < 1000"}},
        {"uid": "win", "operator": "window_aggregate", "config": {
            "window": {"type": "tumbling", "size_ms": 10000}, "key": ["auction"],
            "aggregates": [{"name": "bids", "fn": "count"},
                           {"name": "total", "fn": "sum", "expr": "price"},
                           {"name": "top", "fn": "max", "expr": "price"}]}},
        {"uid": "out", "operator": "broker_sink",
         "config": {"topic": "results", "key": "auction"}}],
    "edges": [{"from": "src", "to": "cheap"}, {"from": "cheap", "to": "win"},
              {"from": "win", "to": "out"}],
}


def start(rtaid, data_dir):
    """(process, grpc address, kafka port); the log is beside the data."""
    proc, grpc, kafka = start_rtaid(rtaid, data_dir, data_dir + ".log")
    return proc, grpc, int(kafka.rsplit(":", 1)[1])


def cli(cli_path, grpc, *args):
    return rtaid_process.cli(cli_path, grpc, *args, check_ok=False, timeout_s=60)


def consume(port, topic, want, timeout_s=60):
    c = KafkaConsumer(bootstrap_servers="127.0.0.1:%d" % port, group_id=None,
                      enable_auto_commit=False, auto_offset_reset="earliest",
                      consumer_timeout_ms=1000)
    tp = TopicPartition(topic, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    got = []
    deadline = time.time() + timeout_s
    while len(got) < want and time.time() < deadline:
        for m in c:
            got.append(m)
            if len(got) >= want:
                break
    c.close()
    return got


def main():
    rtaid, cli_path = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = os.path.join(tmp, "data")
        proc, grpc, kport = start(rtaid, data_dir)
        try:
            for topic, parts in (("bids", 2), ("results", 1), ("bids-dlq", 1)):
                r = cli(cli_path, grpc, "topic", "create", topic, "--partitions", str(parts))
                check(r.returncode == 0, "topic create %s: %s" % (topic, r.stderr))
            # Out-of-order bids on two partitions; both end past 20 s so
            # [0,10s) and [10s,20s) close. One bid is too expensive (filtered),
            # one is malformed (dead letter).
            p = KafkaProducer(bootstrap_servers="127.0.0.1:%d" % kport, acks="all")
            bids = [(0, 1, 100, 1000), (1, 2, 200, 2000), (0, 1, 300, 9000), (1, 1, 50, 500),
                    (0, 2, 5000, 3000), (0, 1, 10, 12000), (1, 2, 20, 15000), (1, 2, 30, 11000),
                    (0, 3, 1, 25000), (1, 3, 1, 26000)]
            for part, auction, price, ts in bids:
                p.send("bids", partition=part,
                       value=json.dumps({"auction": auction, "price": price, "ts": ts}).encode())
            p.send("bids", partition=0, value=b'{"auction": "x", "price": 1, "ts": 1}')
            p.flush(timeout=30)
            p.close()
            job_file = os.path.join(tmp, "job.json")
            with open(job_file, "w") as f:
                json.dump(JOB, f)
            r = cli(cli_path, grpc, "job", "submit", job_file)
            check(r.returncode == 0, "job submit: " + r.stderr)
            job_id = r.stdout.strip()
            check(job_id == "job-1", "job id %r" % job_id)

            expected = {
                (b"1", '{"auction":1,"window_start":0,"window_end":10000,"bids":3,"total":450,"top":300}'),
                (b"2", '{"auction":2,"window_start":0,"window_end":10000,"bids":1,"total":200,"top":200}'),
                (b"1", '{"auction":1,"window_start":10000,"window_end":20000,"bids":1,"total":10,"top":10}'),
                (b"2", '{"auction":2,"window_start":10000,"window_end":20000,"bids":2,"total":50,"top":30}'),
            }
            got = consume(kport, "results", 4)
            check({(m.key, m.value.decode()) for m in got} == expected,
                  "results %r" % [(m.key, m.value) for m in got])
            dlq = consume(kport, "bids-dlq", 1)
            check(len(dlq) == 1 and dict(dlq[0].headers).get("rtai.error", b"").startswith(
                b"json: field `auction`: expected int64"), "dead letter %r" % dlq)

            r = cli(cli_path, grpc, "job", "status", job_id)
            check(r.returncode == 0 and "RUNNING" in r.stdout and "window_aggregate" in r.stdout,
                  "job status: %s %s" % (r.stdout, r.stderr))

            bad = dict(JOB, nodes=[dict(n) for n in JOB["nodes"]])
            bad["nodes"][1] = {"uid": "cheap", "operator": "filter",
                               "config": {"predicate": "pirce < 1000"}}
            with open(job_file, "w") as f:
                json.dump(bad, f)
            r = cli(cli_path, grpc, "job", "submit", job_file)
            check(r.returncode == 1 and "unknown column `pirce`" in r.stderr
                  and "INVALID_ARGUMENT" in r.stderr, "bad job: %r" % r.stderr)
            r = cli(cli_path, grpc, "job", "list")
            check(r.returncode == 0 and re.search(r"job-1\s+RUNNING", r.stdout),
                  "job list after bad submit: %r" % r.stdout)

            # Restart: the job is resubmitted from the stored graph (from
            # scratch, so its results are written again: at-least-once until
            # checkpoints exist).
            stop(proc, timeout_s=30)
            proc, grpc, kport = start(rtaid, data_dir)
            r = cli(cli_path, grpc, "job", "list")
            check(r.returncode == 0 and re.search(r"job-1\s+RUNNING", r.stdout),
                  "job list after restart: %r" % r.stdout)
            got = consume(kport, "results", 8)
            check(len(got) == 8 and {(m.key, m.value.decode()) for m in got[4:]} == expected,
                  "results after restart %r" % [(m.key, m.value) for m in got])

            r = cli(cli_path, grpc, "job", "cancel", job_id)
            check(r.returncode == 0 and "CANCELED" in r.stdout, "cancel: %r" % r.stdout)
            r = cli(cli_path, grpc, "job", "status", "job-404")
            check(r.returncode == 1 and "unknown job `job-404`" in r.stderr, "unknown job: %r" % r.stderr)
        finally:
            if proc.poll() is None:
                stop(proc, timeout_s=30)
    print("PASS job_e2e")


if __name__ == "__main__":
    main()
