"""A real rtaid process for the end-to-end tests: start on free ports, stop
with SIGTERM, and call rtai-cli against it. Imported by the tests in this
directory (Python puts a script's own directory on sys.path)."""

import os
import re
import signal
import subprocess
import time


def check(cond, msg):
    if not cond:
        raise SystemExit("FAIL: " + msg)


def start_rtaid(path, data_dir, log):
    """Starts rtaid logging to `log` (appended), every listener on port 0;
    returns (process, grpc address, kafka address) from its start-up line."""
    offset = os.path.getsize(log) if os.path.exists(log) else 0
    err = open(log, "a")
    proc = subprocess.Popen([path, "--data-dir=" + data_dir, "--grpc-listen=127.0.0.1:0",
                             "--kafka-listen=127.0.0.1:0", "--http-listen=127.0.0.1:0"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None:
        with open(log) as f:
            f.seek(offset)
            m = re.search(r'msg="rtaid listening".* grpc=([^ \n]+).* kafka=([^ \n]+)', f.read())
        if m:
            return proc, m.group(1).strip('"'), m.group(2).strip('"')
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("rtaid did not start: " + open(log).read()[-2000:])


def stop(proc, timeout_s=60, must_stop=True):
    """SIGTERM, then wait; on timeout kill it, and fail the test if must_stop."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        if must_stop:
            raise SystemExit("FAIL: rtaid did not stop on SIGTERM")


def cli(cli_path, grpc, *args, check_ok=True, timeout_s=120):
    """Runs rtai-cli against `grpc`; the CompletedProcess (text). With
    check_ok a non-zero exit fails the test with its output."""
    r = subprocess.run([cli_path, "--server", grpc] + list(args), capture_output=True,
                       text=True, timeout=timeout_s)
    if check_ok and r.returncode != 0:
        raise SystemExit("FAIL: rtai-cli %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
    return r
