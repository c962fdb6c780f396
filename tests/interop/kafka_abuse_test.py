#!/usr/bin/env python3
"""Pre-authentication abuse against a real rtaid (SASL_PLAINTEXT listener).

Also: kafka-python's SASL (PLAIN, SCRAM-SHA-256/512) on the same listener.

rtaid runs with --kafka-sasl, --kafka-max-connections-per-ip 200 and a 2 s
pre-authentication deadline. While kcat (SCRAM-SHA-512, from 127.0.0.1)
keeps producing and consuming:
  - a 2 GiB size prefix before authentication is closed without allocating;
  - 1,000 idle connections from 127.0.0.3: 800 refused at accept, the rest
    closed at the deadline;
  - 50 connections dribbling a frame one byte at a time are closed at the
    deadline;
and rtaid's resident memory (/proc/PID/status VmRSS) stays within 64 MiB of
where it started.

usage: kafka_abuse_test.py RTAID_PATH RTAI_CLI_PATH
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time


def check(name, ok, detail=""):
    if not ok:
        raise SystemExit(f"FAIL {name}\n{detail}")
    print(f"ok {name}", flush=True)


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def closed_within(sock, seconds):
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def main():
    rtaid, cli = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        r = subprocess.run([cli, "user", "create", "alice", "--roles", "produce:t,consume:t",
                            "--data-dir", data], input="pw\n", capture_output=True, text=True)
        check("user created", r.returncode == 0, r.stderr)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        log_path = os.path.join(d, "rtaid.log")
        proc = subprocess.Popen(
            [rtaid, "--data-dir", data, "--grpc-listen", "127.0.0.1:0", "--http-listen",
             "127.0.0.1:0", "--kafka-listen", f"127.0.0.1:{port}", "--kafka-sasl",
             "--kafka-max-connections-per-ip", "200", "--kafka-max-connections", "4096",
             "--kafka-preauth-timeout-ms", "2000"], stderr=open(log_path, "w"))
        try:
            for _ in range(150):
                if 'msg="rtaid listening"' in open(log_path).read():
                    break
                time.sleep(0.1)
            props = ["-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=SCRAM-SHA-512",
                     "-X", "sasl.username=alice", "-X", "sasl.password=pw"]
            rounds = [0]

            def served():
                rounds[0] += 1
                value = f"v{rounds[0]}"
                p = subprocess.run(["kcat", "-b", f"127.0.0.1:{port}", "-m", "5", *props, "-P",
                                    "-t", "t"], input=value + "\n", capture_output=True,
                                   text=True, timeout=60)
                c = subprocess.run(["kcat", "-b", f"127.0.0.1:{port}", "-m", "5", *props, "-C",
                                    "-t", "t", "-e", "-o", "beginning"], capture_output=True,
                                   text=True, timeout=60)
                return p.returncode == 0 and value in c.stdout.split(), p.stderr + c.stderr

            ok, err = served()
            check("kcat SCRAM-SHA-512 on SASL_PLAINTEXT", ok, err)
            # kafka-python 2.0.2 (its own SASL code) with every mechanism.
            from kafka import KafkaProducer
            from kafka.errors import NoBrokersAvailable
            for mech in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
                kp = KafkaProducer(bootstrap_servers=f"127.0.0.1:{port}",
                                   security_protocol="SASL_PLAINTEXT", sasl_mechanism=mech,
                                   sasl_plain_username="alice", sasl_plain_password="pw")
                kp.send("t", mech.encode()).get(timeout=15)
                kp.close()
                check(f"kafka-python {mech} on SASL_PLAINTEXT", True)
            try:
                KafkaProducer(bootstrap_servers=f"127.0.0.1:{port}",
                              security_protocol="SASL_PLAINTEXT", sasl_mechanism="SCRAM-SHA-256",
                              sasl_plain_username="alice", sasl_plain_password="wrong")
                refused = False
            except NoBrokersAvailable:
                refused = True
            check("kafka-python wrong password refused", refused)
            import re
            grpc_port = re.search(r'grpc=[^ ]*:(\d+)', open(log_path).read()).group(1)
            r = subprocess.run([cli, "--server", f"127.0.0.1:{grpc_port}", "user", "list"],
                               capture_output=True, text=True, timeout=30)
            check("AdminService refuses without --grpc-auth",
                  r.returncode != 0 and "needs rtaid --grpc-auth" in r.stderr, r.stderr)
            base = rss_kib(proc.pid)

            big = socket.create_connection(("127.0.0.1", port))
            big.sendall(b"\x7f\xff\xff\xff" + b"x" * 1000)
            check("2 GiB size prefix before authentication closed", closed_within(big, 5))
            check("2 GiB prefix allocated nothing", rss_kib(proc.pid) - base < 64 * 1024)

            idle = []
            for _ in range(1000):
                c = socket.socket()
                c.bind(("127.0.0.3", 0))
                c.connect(("127.0.0.1", port))
                idle.append(c)
            dribblers = []
            for _ in range(50):
                c = socket.create_connection(("127.0.0.1", port))
                dribblers.append(c)
            ok, err = served()
            check("other clients served during 1,000 idle + 50 slow connections", ok, err)
            start = time.time()
            frame = b"\x00\x00\x00\x20" + b"y" * 32
            for i in range(len(frame)):
                for c in dribblers:
                    try:
                        c.send(frame[i:i + 1])
                    except OSError:
                        pass
                time.sleep(0.2)
                if time.time() - start > 4:
                    break
            closed = sum(closed_within(c, 3) for c in idle)
            check("all 1,000 idle connections closed (limit or deadline)", closed == 1000,
                  f"{closed} closed")
            slow_closed = sum(closed_within(c, 3) for c in dribblers)
            check("slow partial frames closed at the deadline", slow_closed == 50,
                  f"{slow_closed} closed")
            check("per-IP refusals logged", "max_connections_per_ip reached" in open(log_path).read())
            grown = rss_kib(proc.pid) - base
            check("rtaid RSS bounded", grown < 64 * 1024, f"grew {grown} KiB")
            ok, err = served()
            check("still serving afterwards", ok, err)
            for c in idle + dribblers:
                c.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    print("PASS kafka abuse")


if __name__ == "__main__":
    main()
