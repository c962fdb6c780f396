#!/usr/bin/env python3
"""TLS, SASL (SCRAM-SHA-256/512, PLAIN) and mutual TLS with real clients.

Generates a CA, a server certificate, client certificates, a second
("wrong") CA and expired certificates with the openssl CLI, creates users
with `rtai-cli user create`, and starts rtaid three times:
  A  SASL_SSL  (--kafka-tls-cert/key --kafka-sasl)
  B  SSL with mutual TLS (--kafka-tls-client-ca)
  C  SASL_SSL with an expired server certificate
Then kcat and confluent-kafka must connect with the right credentials and be
refused, with a clear error, with a wrong password, the wrong CA, an expired
certificate or no credentials; a topic the user has no role for is refused
with TOPIC_AUTHORIZATION_FAILED.

usage: kafka_security_test.py RTAID_PATH RTAI_CLI_PATH
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient

CHECKS = []


def check(name, ok, detail=""):
    CHECKS.append(name)
    if not ok:
        raise SystemExit(f"FAIL {name}\n{detail}")
    print(f"ok {name}", flush=True)


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(d):
    """CA, server (localhost/127.0.0.1), clients, wrong CA, expired certs."""
    for ca in ("ca", "wrongca"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key",
                "-out", f"{ca}.pem", "-days", "30", "-subj", f"/CN=rtai-test-{ca}", cwd=d)
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")

    def leaf(name, cn, ca, days, ext=True):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                f"{name}.csr", "-subj", f"/CN={cn}", cwd=d)
        extra = ["-extfile", "san.ext"] if ext else []
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", str(days), *extra, cwd=d)

    leaf("server", "localhost", "ca", 30)
    leaf("server_expired", "localhost", "ca", -1)
    leaf("client_alice", "alice", "ca", 30, ext=False)
    leaf("client_expired", "alice", "ca", -1, ext=False)
    leaf("client_wrongca", "alice", "wrongca", 30, ext=False)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Rtaid:
    def __init__(self, rtaid, data, log_path, flags):
        self.port = free_port()
        self.log_path = log_path
        self.proc = subprocess.Popen(
            [rtaid, "--data-dir", data, "--grpc-listen", "127.0.0.1:0", "--http-listen",
             "127.0.0.1:0", "--kafka-listen", f"127.0.0.1:{self.port}",
             "--kafka-advertised", f"localhost:{self.port}", *flags],
            stderr=open(log_path, "w"))
        for _ in range(150):
            if 'msg="rtaid listening"' in self.log():
                return
            if self.proc.poll() is not None:
                raise SystemExit("rtaid exited:\n" + self.log())
            time.sleep(0.1)
        raise SystemExit("rtaid did not start:\n" + self.log())

    def log(self):
        return open(self.log_path).read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def kcat(port, props, *args, stdin=None):
    cmd = ["kcat", "-b", f"localhost:{port}", "-m", "5"]
    for k, v in props.items():
        cmd += ["-X", f"{k}={v}"]
    return subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True,
                          timeout=60)


def sasl_ssl(d, mechanism, user, password, ca="ca.pem"):
    return {"security.protocol": "SASL_SSL", "sasl.mechanisms": mechanism,
            "sasl.username": user, "sasl.password": password,
            "ssl.ca.location": os.path.join(d, ca)}


def confluent_round_trip(port, props, topic, expect_total):
    errors = []
    p = Producer({"bootstrap.servers": f"localhost:{port}", **props,
                  "message.timeout.ms": 15000})
    for i in range(5):
        p.produce(topic, value=f"confluent-{i}".encode(),
                  on_delivery=lambda err, msg: errors.append(err) if err else None)
    p.flush(20)
    if errors:
        return errors, []
    c = Consumer({"bootstrap.servers": f"localhost:{port}", **props, "group.id": "g1",
                  "auto.offset.reset": "earliest"})
    c.subscribe([topic])
    got = []
    deadline = time.time() + 30
    while len(got) < expect_total and time.time() < deadline:
        m = c.poll(1.0)
        if m is not None and not m.error():
            got.append(m.value().decode())
    c.close()
    return [], got


def main():
    rtaid_bin, cli = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        make_certs(d)
        data = os.path.join(d, "data")

        def user(*args, stdin=None):
            return subprocess.run([cli, "user", *args, "--data-dir", data], input=stdin,
                                  capture_output=True, text=True, timeout=30)

        r = user("create", "alice", "--roles", "produce:orders,consume:orders", stdin="alice-pw\n")
        check("rtai-cli user create", r.returncode == 0, r.stderr)
        user("create", "bob", "--roles", "consume:other", stdin="bob-pw\n")
        r = user("list")
        check("rtai-cli user list", "alice\tproduce:orders,consume:orders\tSCRAM-SHA-256,SCRAM-SHA-512"
              in r.stdout, r.stdout)
        principals = open(os.path.join(data, "security", "principals")).read()
        check("no password stored", "alice-pw" not in principals, principals)

        a = Rtaid(rtaid_bin, data, os.path.join(d, "a.log"),
                  ["--kafka-tls-cert", os.path.join(d, "server.pem"), "--kafka-tls-key",
                   os.path.join(d, "server.key"), "--kafka-sasl",
                   "--kafka-failed-login-delay-ms", "100"])
        try:
            ok = sasl_ssl(d, "SCRAM-SHA-256", "alice", "alice-pw")
            r = kcat(a.port, ok, "-P", "-t", "orders", stdin="k1\nk2\nk3\n")
            check("kcat SCRAM-SHA-256 over TLS produces", r.returncode == 0, r.stderr)
            r = kcat(a.port, ok, "-C", "-t", "orders", "-e", "-o", "beginning")
            check("kcat SCRAM-SHA-256 over TLS consumes", r.stdout.split() == ["k1", "k2", "k3"],
                  r.stdout + r.stderr)
            r = kcat(a.port, sasl_ssl(d, "PLAIN", "alice", "alice-pw"), "-L", "-t", "orders")
            check("kcat SASL/PLAIN over TLS", r.returncode == 0 and '"orders"' in r.stdout,
                  r.stdout + r.stderr)
            errors, got = confluent_round_trip(
                a.port, sasl_ssl(d, "SCRAM-SHA-512", "alice", "alice-pw"), "orders", 8)
            check("confluent-kafka SCRAM-SHA-512 over TLS round trip",
                  not errors and got == ["k1", "k2", "k3"] + [f"confluent-{i}" for i in range(5)],
                  f"{errors} {got}")

            r = kcat(a.port, sasl_ssl(d, "SCRAM-SHA-256", "alice", "wrong"), "-L")
            check("wrong password refused with a clear error",
                  r.returncode != 0 and "invalid user name or password" in r.stderr, r.stderr)
            r = kcat(a.port, sasl_ssl(d, "PLAIN", "mallory", "x"), "-L")
            check("unknown user refused (PLAIN)",
                  r.returncode != 0 and "invalid user name or password" in r.stderr, r.stderr)
            r = kcat(a.port, sasl_ssl(d, "SCRAM-SHA-256", "alice", "alice-pw", ca="wrongca.pem"), "-L")
            check("wrong CA refused by the client",
                  r.returncode != 0 and "certificate verify failed" in r.stderr, r.stderr)
            r = kcat(a.port, {"security.protocol": "SSL",
                              "ssl.ca.location": os.path.join(d, "ca.pem")}, "-L")
            check("no credentials refused", r.returncode != 0 and
                  "before SASL authentication" in a.log(), r.stderr)
            r = kcat(a.port, {}, "-L")
            check("plaintext client on the TLS listener refused",
                  r.returncode != 0 and "TLS handshake failed" in a.log(), r.stderr)

            errors = []
            p = Producer({"bootstrap.servers": f"localhost:{a.port}",
                          **sasl_ssl(d, "SCRAM-SHA-256", "bob", "bob-pw"),
                          "message.timeout.ms": 10000})
            p.produce("orders", b"x", on_delivery=lambda err, msg: errors.append(err))
            p.flush(15)
            check("unauthorized produce gets TOPIC_AUTHORIZATION_FAILED",
                  len(errors) == 1 and errors[0] is not None and
                  errors[0].code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, str(errors))
            admin = AdminClient({"bootstrap.servers": f"localhost:{a.port}",
                                 **sasl_ssl(d, "SCRAM-SHA-256", "alice", "alice-pw")})
            from confluent_kafka.admin import NewTopic
            fut = admin.create_topics([NewTopic("made-by-alice", 1, 1)])["made-by-alice"]
            try:
                fut.result(15)
                denied = False
            except KafkaException as e:
                denied = e.args[0].code() == KafkaError.TOPIC_AUTHORIZATION_FAILED
            check("non-admin CreateTopics denied", denied)
            audit = open(os.path.join(data, "security", "audit.log")).read()
            check("audit log records the denial and failed logins",
                  '"action":"create-topic","resource":"made-by-alice","decision":"deny"' in audit
                  and '"action":"login"' in audit, audit)
        finally:
            a.stop()

        b = Rtaid(rtaid_bin, data, os.path.join(d, "b.log"),
                  ["--kafka-tls-cert", os.path.join(d, "server.pem"), "--kafka-tls-key",
                   os.path.join(d, "server.key"), "--kafka-tls-client-ca",
                   os.path.join(d, "ca.pem")])
        try:
            def mtls(cert):
                props = {"security.protocol": "SSL", "ssl.ca.location": os.path.join(d, "ca.pem")}
                if cert:
                    props["ssl.certificate.location"] = os.path.join(d, f"{cert}.pem")
                    props["ssl.key.location"] = os.path.join(d, f"{cert}.key")
                return props
            r = kcat(b.port, mtls("client_alice"), "-C", "-t", "orders", "-e", "-o", "beginning")
            check("mutual TLS: CN=alice consumes", r.returncode == 0 and "k1" in r.stdout,
                  r.stdout + r.stderr)
            r = kcat(b.port, mtls(None), "-L")
            check("mutual TLS: no client certificate refused",
                  r.returncode != 0 and "TLS handshake failed" in b.log(), r.stderr)
            r = kcat(b.port, mtls("client_expired"), "-L")
            check("mutual TLS: expired client certificate refused",
                  r.returncode != 0 and "certificate has expired" in b.log(), b.log()[-2000:])
            r = kcat(b.port, mtls("client_wrongca"), "-L")
            check("mutual TLS: client certificate from another CA refused",
                  r.returncode != 0 and "certificate verify failed" in b.log(), r.stderr)
        finally:
            b.stop()

        c = Rtaid(rtaid_bin, data, os.path.join(d, "c.log"),
                  ["--kafka-tls-cert", os.path.join(d, "server_expired.pem"), "--kafka-tls-key",
                   os.path.join(d, "server_expired.key"), "--kafka-sasl"])
        try:
            r = kcat(c.port, sasl_ssl(d, "SCRAM-SHA-256", "alice", "alice-pw"), "-L")
            # librdkafka only says "certificate verify failed"; the certificate
            # differs from listener A's (accepted) only in its dates.
            why = subprocess.run(["openssl", "verify", "-CAfile", os.path.join(d, "ca.pem"),
                                  os.path.join(d, "server_expired.pem")],
                                 capture_output=True, text=True)
            check("expired server certificate refused by the client",
                  r.returncode != 0 and "certificate verify failed" in r.stderr and
                  "certificate has expired" in why.stdout + why.stderr, r.stderr)
        finally:
            c.stop()
    print(f"PASS kafka security ({len(CHECKS)} checks)")


if __name__ == "__main__":
    main()
