#!/usr/bin/env python3
"""ListGroups / DescribeGroups through kafka-python's KafkaAdminClient.

Starts rtaid on free ports, makes a consumer (group "admin_group") join and
receive its assignment, then checks that list_consumer_groups() lists the
group and describe_consumer_groups() reports it Stable with that member, its
client id, subscription and assignment; an unknown group is reported Dead.

usage: kafka_groups_admin_test.py RTAID_PATH
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def start_rtaid(rtaid, tmp):
    log_path = os.path.join(tmp, "rtaid.log")
    proc = subprocess.Popen(
        [rtaid, "--data-dir", os.path.join(tmp, "data"), "--grpc-listen", "127.0.0.1:0",
         "--kafka-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))
    deadline = time.time() + 30
    while time.time() < deadline:
        m = re.search(r'msg="rtaid listening".* kafka=[^ ]*:(\d+)', open(log_path).read())
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    fail("rtaid did not start:\n" + open(log_path).read())


def check_groups(port):
    from kafka import KafkaAdminClient, KafkaConsumer
    b = "127.0.0.1:%d" % port
    consumer = KafkaConsumer("admin_topic", bootstrap_servers=b, group_id="admin_group",
                             client_id="admin-test-consumer", enable_auto_commit=False)
    deadline = time.time() + 30
    while not consumer.assignment() and time.time() < deadline:
        consumer.poll(timeout_ms=200)
    if not consumer.assignment():
        fail("consumer got no assignment")
    admin = KafkaAdminClient(bootstrap_servers=b, client_id="admin-test")
    listed = admin.list_consumer_groups()
    if ("admin_group", "consumer") not in listed:
        fail("list_consumer_groups: %r" % (listed,))
    described = admin.describe_consumer_groups(["admin_group", "no_such_group"])
    if len(described) != 2:
        fail("describe_consumer_groups returned %r" % (described,))
    g = described[0]
    if (g.group, g.state, g.protocol_type, g.protocol) != (
            "admin_group", "Stable", "consumer", "range"):
        fail("described group %r" % (g,))
    if len(g.members) != 1:
        fail("members %r" % (g.members,))
    m = g.members[0]
    if m.client_host != "/127.0.0.1":
        fail("client_host %r" % (m.client_host,))
    if m.client_id != "admin-test-consumer" or not m.member_id.startswith("admin-test-consumer"):
        fail("member %r" % (m,))
    if list(m.member_metadata.subscription) != ["admin_topic"]:
        fail("member metadata %r" % (m.member_metadata,))
    assigned = {(t, p) for t, ps in m.member_assignment.assignment for p in ps}
    expected = {(tp.topic, tp.partition) for tp in consumer.assignment()}
    if assigned != expected:
        fail("member assignment %r, consumer has %r" % (assigned, expected))
    if described[1].group != "no_such_group" or described[1].state != "Dead" or \
            described[1].members:
        fail("unknown group %r" % (described[1],))
    admin.close()
    consumer.close()


def main():
    rtaid = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="rtai-groups-") as tmp:
        proc, port = start_rtaid(rtaid, tmp)
        try:
            check_groups(port)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    print("PASS kafka-python list/describe consumer groups")


if __name__ == "__main__":
    main()
