#!/usr/bin/python3
"""Interop tests: real Kafka clients from Debian packages against our listener.

Usage: kafka_clients_test.py --server CMD [ARGS...] -- CLIENT
       kafka_clients_test.py --rtaid PATH -- CLIENT
  CLIENT: kcat | confluent | kafka-python
--server: the command prints "PORT <n>" on stdout once listening and exits
when its stdin closes (kafka_test_server, in-memory broker).
--rtaid: starts rtaid on a fresh data directory with --kafka-listen on a free
port, and stops it with SIGTERM (it must exit 0).
Each test uses its own server process on a free port.
"""
import re
import signal
import subprocess
import sys
import tempfile
import time

N = 50


def start_test_server(cmd):
    proc = subprocess.Popen(cmd + ["127.0.0.1:0"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit("server did not start: %r" % line)
    return proc, int(line.split()[1])


def start_rtaid(path, data_dir):
    proc = subprocess.Popen([path, "--data-dir=" + data_dir, "--grpc-listen=127.0.0.1:0",
                             "--kafka-listen=127.0.0.1:0", "--http-listen=127.0.0.1:0"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        sys.stderr.write(line)
        m = re.search(r'msg="rtaid listening".* kafka=[^ ]*:(\d+)', line)
        if m:
            return proc, int(m.group(1))
    proc.kill()
    raise SystemExit("rtaid did not start")


def stop(proc, rtaid):
    try:
        if rtaid:
            proc.send_signal(signal.SIGTERM)
            sys.stderr.write(proc.communicate(timeout=20)[1] or "")
        else:
            proc.communicate(timeout=20)  # closes stdin: the server exits
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def check(cond, msg):
    if not cond:
        raise SystemExit("FAIL: " + msg)


def run(cmd, stdin=None, timeout=30):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
    return r


def test_kcat(port, restart=None):
    b = "127.0.0.1:%d" % port
    r = run(["kcat", "-b", b, "-L"])
    check(r.returncode == 0, "kcat -L failed: " + r.stderr)
    check("1 brokers" in r.stdout and "127.0.0.1:%d" % port in r.stdout, "kcat -L: " + r.stdout)
    lines = "".join("key%d:value%d\n" % (i, i) for i in range(N))
    r = run(["kcat", "-b", b, "-t", "kcat_topic", "-P", "-K:"], stdin=lines)
    check(r.returncode == 0, "kcat produce failed: " + r.stderr)
    r = run(["kcat", "-b", b, "-t", "kcat_topic", "-C", "-o", "beginning", "-e",
             "-f", "%k=%s@%o\\n"])
    check(r.returncode == 0, "kcat consume failed: " + r.stderr)
    got = r.stdout.splitlines()
    want = ["key%d=value%d@%d" % (i, i, i) for i in range(N)]
    check(got == want, "kcat consumed %r" % got[:5])
    r = run(["kcat", "-b", b, "-L", "-t", "kcat_topic"])
    check('topic "kcat_topic" with 1 partitions' in r.stdout, "kcat -L -t: " + r.stdout)
    # Compressed batches are stored as received and served back to clients.
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        r = run(["kcat", "-b", b, "-t", "kcat_z", "-P", "-z", codec],
                stdin="".join("%s-%d\n" % (codec, i) for i in range(3)))
        check(r.returncode == 0, "kcat -z %s: %s" % (codec, r.stderr))
    r = run(["kcat", "-b", b, "-t", "kcat_z", "-C", "-o", "beginning", "-e", "-f", "%s@%o\n"])
    want = ["%s-%d@%d" % (c, i, 3 * k + i)
            for k, c in enumerate(("gzip", "snappy", "lz4", "zstd")) for i in range(3)]
    check(r.stdout.splitlines() == want, "compressed round trip: %r" % r.stdout.splitlines())
    # Consumer group (-G): join, sync, consume, commit; a second run resumes
    # from the committed offset.
    group = ["kcat", "-b", b, "-G", "kcat_group", "-e", "-f", "%s@%o\n"]
    r = run(group[:5] + ["-o", "beginning"] + group[5:] + ["kcat_topic"])
    check(r.returncode == 0, "kcat -G failed: " + r.stderr)
    check(r.stdout.splitlines() == ["value%d@%d" % (i, i) for i in range(N)],
          "kcat -G consumed %r" % r.stdout.splitlines()[:3])
    more = "".join("key%d:value%d\n" % (i, i) for i in range(N, N + 5))
    check(run(["kcat", "-b", b, "-t", "kcat_topic", "-P", "-K:"], stdin=more).returncode == 0,
          "kcat produce 2")
    r = run(group + ["kcat_topic"])
    check(r.stdout.splitlines() == ["value%d@%d" % (i, i) for i in range(N, N + 5)],
          "kcat -G did not resume from its commit: %r" % r.stdout.splitlines()[:3])
    if restart is None:
        return
    # rtaid restarted on the same data directory: records and the group's
    # committed offset are still there.
    port = restart()
    b = "127.0.0.1:%d" % port
    more = "".join("key%d:value%d\n" % (i, i) for i in range(N + 5, N + 8))
    check(run(["kcat", "-b", b, "-t", "kcat_topic", "-P", "-K:"], stdin=more).returncode == 0,
          "kcat produce after restart")
    r = run(["kcat", "-b", b, "-G", "kcat_group", "-e", "-f", "%s@%o\n", "kcat_topic"])
    check(r.stdout.splitlines() == ["value%d@%d" % (i, i) for i in range(N + 5, N + 8)],
          "kcat -G after restart: %r" % r.stdout.splitlines()[:3])


def test_confluent(port):
    from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING
    from confluent_kafka.admin import AdminClient, NewTopic
    b = "127.0.0.1:%d" % port
    admin = AdminClient({"bootstrap.servers": b})
    fs = admin.create_topics([NewTopic("ck_topic", num_partitions=2, replication_factor=1)])
    fs["ck_topic"].result(timeout=20)
    md = admin.list_topics(timeout=10)
    check(len(md.topics["ck_topic"].partitions) == 2, "confluent metadata: %r" % md.topics)
    delivered = []
    p = Producer({"bootstrap.servers": b, "linger.ms": 5, "acks": "all"})
    for i in range(N):
        p.produce("ck_topic", key="k%d" % i, value="v%d" % i, partition=i % 2,
                  on_delivery=lambda err, msg: delivered.append((err, msg.offset())))
    check(p.flush(30) == 0, "confluent flush left messages")
    check(len(delivered) == N and all(e is None for e, _ in delivered),
          "confluent delivery: %r" % delivered[:3])
    c = Consumer({"bootstrap.servers": b, "group.id": "unused", "enable.auto.commit": False,
                  "enable.partition.eof": True})
    c.assign([TopicPartition("ck_topic", 0, OFFSET_BEGINNING),
              TopicPartition("ck_topic", 1, OFFSET_BEGINNING)])
    got, eofs, deadline = [], set(), time.time() + 30
    while len(eofs) < 2 and time.time() < deadline:
        m = c.poll(1.0)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                eofs.add(m.partition())
                continue
            raise SystemExit("FAIL: consumer error %s" % m.error())
        got.append((m.partition(), m.offset(), m.key().decode(), m.value().decode()))
    c.close()
    check(len(got) == N, "confluent consumed %d of %d" % (len(got), N))
    for part in (0, 1):
        mine = [g for g in got if g[0] == part]
        check([g[1] for g in mine] == list(range(N // 2)), "offsets on %d: %r" % (part, mine[:3]))
    check(sorted(g[3] for g in got) == sorted("v%d" % i for i in range(N)), "values differ")
    lo, hi = Consumer({"bootstrap.servers": b, "group.id": "x"}).get_watermark_offsets(
        TopicPartition("ck_topic", 0), timeout=10)
    check((lo, hi) == (0, N // 2), "watermarks %r" % ((lo, hi),))
    # Consumer group: subscribe, consume everything, commit, check commits.
    g = Consumer({"bootstrap.servers": b, "group.id": "ck_group", "enable.auto.commit": False,
                  "auto.offset.reset": "earliest", "enable.partition.eof": True})
    g.subscribe(["ck_topic"])
    seen, eofs, deadline = 0, set(), time.time() + 30
    while len(eofs) < 2 and time.time() < deadline:
        m = g.poll(1.0)
        if m is None:
            continue
        if m.error():
            check(m.error().code() == -191, "group consumer error %s" % m.error())
            eofs.add(m.partition())
            continue
        seen += 1
    check(seen == N, "group consumer saw %d of %d" % (seen, N))
    g.commit(asynchronous=False)
    committed = g.committed([TopicPartition("ck_topic", 0), TopicPartition("ck_topic", 1)],
                            timeout=10)
    check([c.offset for c in committed] == [N // 2, N // 2], "committed %r" % committed)
    g.close()


def test_kafka_python(port):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    b = "127.0.0.1:%d" % port
    p = KafkaProducer(bootstrap_servers=b, acks=1)
    futures = [p.send("kp_topic", key=b"k%d" % i, value=b"v%d" % i) for i in range(N)]
    p.flush(timeout=30)
    offsets = [f.get(timeout=10).offset for f in futures]
    check(offsets == list(range(N)), "kafka-python offsets %r" % offsets[:5])
    p.close()
    c = KafkaConsumer(bootstrap_servers=b, group_id=None, enable_auto_commit=False,
                      auto_offset_reset="earliest", consumer_timeout_ms=10000)
    tp = TopicPartition("kp_topic", 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    got = []
    for m in c:
        got.append((m.offset, m.key, m.value))
        if len(got) == N:
            break
    check([g[0] for g in got] == list(range(N)), "kafka-python consumed %r" % got[:3])
    check(got[7][1:] == (b"k7", b"v7"), "kafka-python record %r" % (got[7],))
    check(c.end_offsets([tp])[tp] == N, "end offsets")
    c.close()
    # Consumer group: subscribe, consume, commit, read the commit back.
    g = KafkaConsumer("kp_topic", bootstrap_servers=b, group_id="kp_group",
                      enable_auto_commit=False, auto_offset_reset="earliest",
                      consumer_timeout_ms=15000)
    n = 0
    for _ in g:
        n += 1
        if n == N:
            break
    check(n == N, "kafka-python group consumed %d" % n)
    g.commit()
    check(g.committed(tp) == N, "kafka-python committed %r" % g.committed(tp))
    g.close()


def main():
    argv = sys.argv[1:]
    sep = argv.index("--")
    mode, cmd, client = argv[0], argv[1:sep], argv[sep + 1]
    rtaid = mode == "--rtaid"
    with tempfile.TemporaryDirectory(prefix="rtai-interop-") as data_dir:
        procs = []

        def start():
            proc, port = start_rtaid(cmd[0], data_dir) if rtaid else start_test_server(cmd)
            procs.append(proc)
            return port

        def restart():
            stop(procs[-1], rtaid)
            check(procs[-1].returncode == 0, "server exited with %s" % procs[-1].returncode)
            return start()

        try:
            port = start()
            if client == "kcat":
                test_kcat(port, restart if rtaid else None)
            else:
                {"confluent": test_confluent, "kafka-python": test_kafka_python}[client](port)
        finally:
            stop(procs[-1], rtaid)
    check(procs[-1].returncode == 0, "server exited with %s" % procs[-1].returncode)
    print("PASS", client, "(rtaid)" if rtaid else "(kafka_test_server)")


if __name__ == "__main__":
    main()
