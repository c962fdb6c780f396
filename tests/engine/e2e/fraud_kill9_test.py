#!/usr/bin/python3
"""Kill -9 during the fraud job: the fraud job (docs/examples/fraud_job.json,
bounded sources, checkpoints every 100 ms, EXACTLY_ONCE: broker sinks write
in transactions committed with each checkpoint) runs twice on the same
generated stream in two rtaids: once uninterrupted, once with rtaid killed
with SIGKILL mid-stream and restarted (the JobManager resumes the job from its
latest checkpoint: features, online learner, champion-challenger state and
join buffers restored by the operators' RestoreState). Every transaction's
score and serving model, the decisions (audit) and the drift detections must
equal the uninterrupted run's, record for record, read with read_committed
(kcat against rtaid's Kafka listener): nothing lost, nothing repeated.

usage: fraud_kill9_test.py RTAID RTAI_CLI SOURCE_DIR
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from rtaid_process import check, cli, stop
from rtaid_process import start_rtaid as start_rtaid_process

KAFKA = {}
EVENTS = 60000
DRIFT_AFTER = 30000


def start_rtaid(path, data_dir, log):
    """Starts rtaid; returns (process, grpc address). The Kafka address goes
    to KAFKA[grpc address] (read_committed reads)."""
    proc, grpc, kafka = start_rtaid_process(path, data_dir, log)
    KAFKA[grpc] = kafka
    return proc, grpc


def high_watermark(cli_path, grpc, topic):
    out = cli(cli_path, grpc, "topic", "describe", topic).stdout
    m = re.search(r" hw (\d+) ", out)
    return int(m.group(1)) if m else 0


def read_topic(cli_path, grpc, topic):
    """The committed records of `topic` (one partition), in order."""
    r = subprocess.run(["/usr/bin/kcat", "-C", "-b", KAFKA[grpc], "-t", topic, "-p", "0",
                        "-o", "beginning", "-e", "-q", "-f", "%s\n",
                        "-X", "isolation.level=read_committed"],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "kcat %s: %s" % (topic, r.stderr))
    return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


def setup(rtaid, cli_path, work, name, job_json, champion, procs):
    data = os.path.join(work, name)
    proc, grpc = start_rtaid(rtaid, data, data + ".log")
    procs.append(proc)  # killed by main's finally even if a step below fails
    cli(cli_path, grpc, "model", "register", champion, "--name", "fraud")
    cli(cli_path, grpc, "model", "promote", "fraud@1")
    for t in ["fraud-transactions", "fraud-labels", "fraud-scores", "fraud-alerts",
              "fraud-audit", "fraud-drift"]:
        cli(cli_path, grpc, "topic", "create", t, "--partitions", "1")
    cli(cli_path, grpc, "fraud", "generate", "--topic", "fraud-transactions",
        "--labels-topic", "fraud-labels", "--events", str(EVENTS),
        "--drift-after", str(DRIFT_AFTER), "--seed", "1")
    job = cli(cli_path, grpc, "job", "submit", job_json).stdout.strip()
    return proc, grpc, data, job


def wait_finished(cli_path, grpc, job, timeout_s=300):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        r = cli(cli_path, grpc, "job", "status", job, check_ok=False)
        if "FINISHED" in r.stdout.splitlines()[0] if r.stdout else False:
            return
        check("FAILED" not in r.stdout, "job failed: " + r.stdout)
        time.sleep(0.2)
    raise SystemExit("FAIL: job did not finish")


def outputs(cli_path, grpc):
    scores = {}
    records = read_topic(cli_path, grpc, "fraud-scores")
    for r in records:
        key = r["event_id"]
        val = (r["score"], r["model"])
        check(scores.get(key, val) == val, "%s scored twice differently: %s vs %s"
              % (key, scores.get(key), val))
        scores[key] = val
    check(len(records) == len(scores), "%d score records for %d events: duplicates"
          % (len(records), len(scores)))
    # Multisets: a repeated decision or drift event would show as a difference.
    audit = sorted(json.dumps(r, sort_keys=True) for r in read_topic(cli_path, grpc, "fraud-audit"))
    drift = sorted(json.dumps(r, sort_keys=True) for r in read_topic(cli_path, grpc, "fraud-drift"))
    return scores, audit, drift


def main():
    rtaid, cli_path, source = sys.argv[1:4]
    work = tempfile.mkdtemp(prefix="rtai-fraud-kill9-")
    procs = []
    try:
        # Champion trained once on another seed's pre-drift transactions.
        subprocess.run([cli_path, "fraud", "generate", "--out", work + "/tx.jsonl",
                        "--labels-out", work + "/labels.jsonl", "--events", "20000",
                        "--drift-after", "20000", "--seed", "2"], check=True,
                       capture_output=True)
        champion = work + "/champion.json"
        subprocess.run(["/usr/bin/python3", source + "/engine/ml/python/train_fraud_champion.py",
                        work + "/tx.jsonl", work + "/labels.jsonl", champion], check=True,
                       capture_output=True)
        job = json.load(open(source + "/docs/examples/fraud_job.json"))
        for n in job["nodes"]:
            if n["operator"] == "broker_source":
                n["config"]["bounded"] = True
        job["checkpoint"] = {"interval_ms": 100, "timeout_ms": 60000, "mode": "EXACTLY_ONCE"}
        job_json = work + "/job.json"
        json.dump(job, open(job_json, "w"))

        ref, ref_grpc, _, ref_job = setup(rtaid, cli_path, work, "ref", job_json, champion, procs)
        wait_finished(cli_path, ref_grpc, ref_job)
        want = outputs(cli_path, ref_grpc)
        stop(ref, must_stop=False)

        proc, grpc, data, jid = setup(rtaid, cli_path, work, "killed", job_json, champion, procs)
        # Kill as soon as a checkpoint has completed (its _manifest exists).
        ckpt_root = os.path.join(data, "jobs", jid + ".checkpoints")
        deadline = time.time() + 120
        while not any(os.path.exists(os.path.join(ckpt_root, d, "_manifest"))
                      for d in (os.listdir(ckpt_root) if os.path.isdir(ckpt_root) else [])):
            check(time.time() < deadline, "no checkpoint completed")
            time.sleep(0.005)
        status = cli(cli_path, grpc, "job", "status", jid).stdout.splitlines()[0]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check("RUNNING" in status, "the job was not running at the kill: " + status)
        proc, grpc = start_rtaid(rtaid, data, data + ".log")
        procs.append(proc)
        wait_finished(cli_path, grpc, jid)
        restored = re.findall(r'msg="job started".*restored_checkpoint=(\d+)', open(data + ".log").read())
        check(restored and int(restored[-1]) > 0,
              "the restarted job did not resume from a checkpoint: %s" % restored)
        got = outputs(cli_path, grpc)
        stop(proc, must_stop=False)

        check(len(want[0]) >= EVENTS - 1, "reference scored %d" % len(want[0]))
        check(got[0] == want[0], "scores differ after kill -9: %d vs %d events, %d differ"
              % (len(got[0]), len(want[0]),
                 sum(1 for k in want[0] if got[0].get(k) != want[0][k])))
        check(got[1] == want[1], "audit differs after kill -9")
        check(got[2] == want[2], "drift detections differ after kill -9")
        check(any('"promoted"' in a for a in want[1]), "no promotion in the run")
        print("ok: %d scores, %d decisions, %d drift events equal record for record after "
              "kill -9, read_committed (resumed from checkpoint %s)"
              % (len(got[0]), len(got[1]), len(got[2]), restored[-1]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if os.environ.get("KEEP_WORK"):
            print("work dir kept:", work)
        else:
            subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
