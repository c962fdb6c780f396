"""Shared helpers of the Kafka transaction interop tests (rtaid process,
topics, read_committed / read_uncommitted consumption)."""
import os
import socket
import subprocess
import sys
import time

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check(cond, msg):
    if not cond:
        raise SystemExit("FAIL: " + msg)


def start_rtaid(path, data_dir, port, log_path, extra=(), failpoint=None):
    """Starts rtaid, its stderr going to log_path (never a pipe nobody drains).
    `failpoint`: RTAI_TXN_FAILPOINT for the process (it SIGKILLs itself there)."""
    env = dict(os.environ)
    env.pop("RTAI_TXN_FAILPOINT", None)
    if failpoint:
        env["RTAI_TXN_FAILPOINT"] = failpoint
    deadline = time.time() + 30
    while time.time() < deadline:
        with open(log_path, "a") as log:
            proc = subprocess.Popen([path, "--data-dir=" + data_dir,
                                     "--grpc-listen=127.0.0.1:0",
                                     "--kafka-listen=127.0.0.1:%d" % port,
                                     "--http-listen=127.0.0.1:0"] + list(extra),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=log, env=env)
        while proc.poll() is None and time.time() < deadline:
            with open(log_path) as log:
                if log.read().count('msg="rtaid listening"') > 0 and _listening(port):
                    return proc
            time.sleep(0.02)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        time.sleep(0.2)  # the port may still be held: try again
    with open(log_path) as log:
        sys.stderr.write(log.read()[-4000:])
    raise SystemExit("rtaid did not start")


def _listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def create_topic(bootstrap, name, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(name, partitions, 1)])[name].result(30)


def consume_all(bootstrap, topic, partitions, isolation, idle_s=2.0, timeout_s=30):
    """Every record of `topic` from the start, as (partition, offset, value)."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "reader-%f" % time.time(),
                  "isolation.level": isolation, "enable.auto.commit": False,
                  "auto.offset.reset": "earliest"})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out = []
    deadline = time.time() + timeout_s
    last = None  # the idle window starts with the first record (slow joins)
    while time.time() < deadline and (last is None or time.time() - last < idle_s):
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            continue
        out.append((m.partition(), m.offset(), m.value().decode()))
        last = time.time()
    c.close()
    return out


def watermarks(bootstrap, topic, partitions):
    """[(read_committed high, read_uncommitted high)] per partition: the
    last stable offset and the high watermark."""
    from confluent_kafka import Consumer as C
    rc = C({"bootstrap.servers": bootstrap, "group.id": "wm-rc",
            "isolation.level": "read_committed"})
    ru = C({"bootstrap.servers": bootstrap, "group.id": "wm-ru",
            "isolation.level": "read_uncommitted"})
    out = [(rc.get_watermark_offsets(TopicPartition(topic, p), 10)[1],
            ru.get_watermark_offsets(TopicPartition(topic, p), 10)[1]) for p in range(partitions)]
    rc.close()
    ru.close()
    return out


def values(records):
    return sorted(v for _, _, v in records)
