#!/usr/bin/env python3
"""gRPC and HTTP authentication, authorization and audit against rtaid.

rtaid runs with --grpc-tls-cert/key --grpc-auth and --http-tls-cert/key
--http-auth. Principals get bearer tokens with `rtai-cli user token`:
  admin-bot  admin          topic admin, everything
  jobber     submit-jobs    job submission, HTTP /metrics
  reader     consume:orders neither
rtai-cli (--tls-ca, --token / RTAI_TOKEN) must be refused without a token,
with a bad token, without TLS, and for actions outside the roles; the audit
log must hold one line per admin/job decision. HTTP over TLS needs a bearer
token except for /healthz and /readyz.

usage: grpc_http_security_test.py RTAID_PATH RTAI_CLI_PATH
"""
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

JOB = {
    "version": 1, "name": "sec-job",
    "schemas": [{"name": "e", "fields": [{"name": "v", "type": "int64"},
                                         {"name": "ts", "type": "timestamp"}]}],
    "nodes": [{"uid": "src", "operator": "broker_source",
               "config": {"topic": "orders", "schema": "e", "event_time": "ts"}},
              {"uid": "out", "operator": "broker_sink", "config": {"topic": "orders-out"}}],
    "edges": [{"from": "src", "to": "out"}],
}


def check(name, ok, detail=""):
    if not ok:
        raise SystemExit(f"FAIL {name}\n{detail}")
    print(f"ok {name}", flush=True)


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(d):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "30", "-subj", "/CN=rtai-test-ca", cwd=d)
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
            "server.csr", "-subj", "/CN=localhost", cwd=d)
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "30", "-extfile", "san.ext", cwd=d)
    for cn in ("jobber", "stranger"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{cn}.key", "-out",
                f"{cn}.csr", "-subj", f"/CN={cn}", cwd=d)
        openssl("x509", "-req", "-in", f"{cn}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{cn}.pem", "-days", "30", cwd=d)


def start_rtaid(rtaid, data, log_path, flags):
    proc = subprocess.Popen(
        [rtaid, "--data-dir", data, "--grpc-listen", "127.0.0.1:0", "--kafka-listen",
         "127.0.0.1:0", "--http-listen", "127.0.0.1:0", *flags], stderr=open(log_path, "w"))
    for _ in range(150):
        text = open(log_path).read()
        if 'msg="rtaid listening"' in text:
            return proc, text
        if proc.poll() is not None:
            raise SystemExit("rtaid exited:\n" + text)
        time.sleep(0.1)
    raise SystemExit("rtaid did not start")


def main():
    rtaid, cli = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        make_certs(d)
        data = os.path.join(d, "data")
        tokens = {}
        for name, roles in (("admin-bot", "admin"), ("jobber", "submit-jobs"),
                            ("reader", "consume:orders")):
            r = subprocess.run([cli, "user", "token", name, "--roles", roles, "--data-dir", data],
                               capture_output=True, text=True)
            check(f"token for {name}", r.returncode == 0 and r.stdout.startswith("rtai_"), r.stderr)
            tokens[name] = r.stdout.strip()
        principals = open(os.path.join(data, "security", "principals")).read()
        check("tokens stored hashed", all(t not in principals for t in tokens.values()))

        log_path = os.path.join(d, "rtaid.log")
        cert, key, ca = (os.path.join(d, f) for f in ("server.pem", "server.key", "ca.pem"))
        proc = subprocess.Popen(
            [rtaid, "--data-dir", data, "--grpc-listen", "127.0.0.1:0", "--kafka-listen",
             "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--grpc-tls-cert", cert,
             "--grpc-tls-key", key, "--grpc-auth", "--http-tls-cert", cert, "--http-tls-key",
             key, "--http-auth"], stderr=open(log_path, "w"))
        try:
            for _ in range(150):
                text = open(log_path).read()
                if 'msg="rtaid listening"' in text:
                    break
                if proc.poll() is not None:
                    raise SystemExit("rtaid exited:\n" + text)
                time.sleep(0.1)
            grpc_port = re.search(r'grpc=[^ ]*:(\d+)', text).group(1)
            http_port = re.search(r'http=[^ ]*:(\d+)', text).group(1)
            server = f"localhost:{grpc_port}"

            def rtai(*args, token=None, tls=True, stdin=None):
                cmd = [cli, "--server", server]
                if tls:
                    cmd += ["--tls-ca", ca]
                env = dict(os.environ)
                env.pop("RTAI_TOKEN", None)
                if token:
                    env["RTAI_TOKEN"] = token
                return subprocess.run(cmd + list(args), capture_output=True, text=True,
                                      env=env, input=stdin, timeout=60)

            r = rtai("topic", "list")
            check("gRPC without a token: UNAUTHENTICATED",
                  r.returncode != 0 and "authentication required" in r.stderr, r.stderr)
            r = rtai("topic", "list", token="rtai_bogus")
            check("gRPC with a bad token: UNAUTHENTICATED",
                  r.returncode != 0 and "invalid bearer token" in r.stderr, r.stderr)
            r = rtai("topic", "list", tls=False)
            check("gRPC without TLS refused", r.returncode != 0, r.stderr)
            r = subprocess.run([cli, "--server", server, "--token", "x", "topic", "list"],
                               capture_output=True, text=True)
            check("rtai-cli refuses a token without TLS",
                  r.returncode != 0 and "need --tls-ca" in r.stderr, r.stderr)

            r = rtai("topic", "create", "orders", "--partitions", "1", token=tokens["reader"])
            check("topic create as reader: PERMISSION_DENIED",
                  r.returncode != 0 and "may not admin" in r.stderr, r.stderr)
            r = rtai("topic", "create", "orders", "--partitions", "1", token=tokens["admin-bot"])
            check("topic create as admin", r.returncode == 0, r.stderr)
            r = subprocess.run([cli, "--server", server, "--tls-ca", ca, "--token",
                                tokens["admin-bot"], "topic", "create", "orders-out"],
                               capture_output=True, text=True, timeout=60)
            check("topic create as admin with --token", r.returncode == 0, r.stderr)
            r = rtai("topic", "list", token=tokens["reader"])
            check("topic list shows only the reader's topics",
                  r.returncode == 0 and r.stdout.split() == ["orders"], r.stdout + r.stderr)

            job_file = os.path.join(d, "job.json")
            with open(job_file, "w") as f:
                json.dump(JOB, f)
            r = rtai("job", "submit", job_file, token=tokens["reader"])
            check("job submit as reader: PERMISSION_DENIED",
                  r.returncode != 0 and "may not submit-job" in r.stderr, r.stderr)
            r = rtai("job", "submit", job_file, token=tokens["jobber"])
            check("job submit as jobber", r.returncode == 0, r.stderr)
            job_id = r.stdout.strip().split()[-1]
            r = rtai("job", "cancel", job_id, token=tokens["jobber"])
            check("job cancel as jobber", r.returncode == 0, r.stderr)

            r = rtai("user", "create", "carol", "--roles", "consume:orders",
                     token=tokens["admin-bot"], stdin="carol-pw\n")
            check("AdminService: admin creates a user", r.returncode == 0, r.stderr)
            r = rtai("user", "list", token=tokens["admin-bot"])
            check("AdminService: list shows it",
                  "carol\tconsume:orders\tSCRAM-SHA-256,SCRAM-SHA-512\t0" in r.stdout, r.stdout)
            r = rtai("user", "delete", "carol", token=tokens["jobber"])
            check("AdminService: non-admin refused",
                  r.returncode != 0 and "may not admin" in r.stderr, r.stderr)
            r = rtai("user", "delete", "carol", token=tokens["admin-bot"])
            check("AdminService: admin deletes", r.returncode == 0, r.stderr)
            check("AdminService: file updated", "carol" not in
                  open(os.path.join(data, "security", "principals")).read())

            audit = [json.loads(line) for line in
                     open(os.path.join(data, "security", "audit.log"))]
            def has(principal, action, decision):
                return any(e["principal"] == principal and e["action"] == action and
                           e["decision"] == decision and e["source"] == "grpc" for e in audit)
            check("audit: reader denied submit-job", has("reader", "submit-job", "deny"))
            check("audit: jobber allowed submit-job", has("jobber", "submit-job", "allow"))
            check("audit: reader denied admin", has("reader", "admin", "deny"))
            check("audit: admin-bot allowed admin", has("admin-bot", "admin", "allow"))
            check("audit: unauthenticated call recorded",
                  any(e["principal"] == "" and e["decision"] == "deny" for e in audit))

            ctx = ssl.create_default_context(cafile=ca)
            url = f"https://localhost:{http_port}"

            def get(path, token=None):
                req = urllib.request.Request(url + path)
                if token:
                    req.add_header("Authorization", f"Bearer {token}")
                try:
                    with urllib.request.urlopen(req, context=ctx, timeout=10) as resp:
                        return resp.status, resp.read().decode()
                except urllib.error.HTTPError as e:
                    return e.code, e.read().decode()

            check("HTTPS /healthz open", get("/healthz")[0] == 200)
            status, body = get("/metrics")
            check("HTTPS /metrics without token: 401", status == 401, body)
            check("HTTPS /metrics with a bad token: 401", get("/metrics", "rtai_x")[0] == 401)
            check("HTTPS /metrics as reader: 403", get("/metrics", tokens["reader"])[0] == 403)
            status, body = get("/metrics", tokens["jobber"])
            check("HTTPS /metrics as jobber: 200", status == 200 and "rtai_" in body, body[:200])
            try:
                urllib.request.urlopen(f"http://localhost:{http_port}/healthz", timeout=5)
                plain = True
            except Exception:
                plain = False
            check("plain HTTP to the HTTPS port refused", not plain)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)

        # Mutual TLS: the client certificate's CN names the principal.
        proc, text = start_rtaid(rtaid, data, os.path.join(d, "mtls.log"),
                                 ["--grpc-tls-cert", cert, "--grpc-tls-key", key,
                                  "--grpc-tls-client-ca", ca, "--grpc-auth"])
        try:
            server = "localhost:" + re.search(r'grpc=[^ ]*:(\d+)', text).group(1)

            def mtls(cn, *args):
                cmd = [cli, "--server", server, "--tls-ca", ca]
                if cn:
                    cmd += ["--tls-cert", os.path.join(d, f"{cn}.pem"), "--tls-key",
                            os.path.join(d, f"{cn}.key")]
                env = dict(os.environ)
                env.pop("RTAI_TOKEN", None)
                return subprocess.run(cmd + list(args), capture_output=True, text=True, env=env,
                                      timeout=60)

            r = mtls("jobber", "job", "list")
            check("mTLS: CN=jobber lists jobs", r.returncode == 0, r.stderr)
            r = mtls("jobber", "topic", "create", "x")
            check("mTLS: CN=jobber may not create topics",
                  r.returncode != 0 and "may not admin" in r.stderr, r.stderr)
            r = mtls("stranger", "job", "list")
            check("mTLS: unknown CN is unauthenticated",
                  r.returncode != 0 and "authentication required" in r.stderr, r.stderr)
            r = mtls(None, "job", "list")
            check("mTLS: no client certificate refused", r.returncode != 0, r.stderr)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    print("PASS grpc/http security")


if __name__ == "__main__":
    main()
