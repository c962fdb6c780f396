#!/usr/bin/env python3
"""rtaid --kafka-advertised and --kafka-num-partitions reach real clients.

Starts rtaid with the Kafka listener on a free port, advertised as
localhost:<port>, and checks with kcat -L that Metadata names that address and
that an auto-created topic gets the configured partition count.

usage: kafka_advertised_test.py RTAID_PATH
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time


def main():
    rtaid = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "rtaid.log")
        log = open(log_path, "w")
        # Port 0 cannot be advertised before binding, so probe a free port.
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        proc = subprocess.Popen(
            [rtaid, "--data-dir", os.path.join(tmp, "data"), "--grpc-listen", "127.0.0.1:0",
             "--kafka-listen", f"127.0.0.1:{port}", "--kafka-advertised", f"localhost:{port}",
             "--kafka-num-partitions", "3", "--http-listen", "127.0.0.1:0"], stderr=log)
        try:
            for _ in range(100):
                if 'msg="rtaid listening"' in open(log_path).read():
                    break
                if proc.poll() is not None:
                    raise SystemExit("rtaid exited:\n" + open(log_path).read())
                time.sleep(0.1)
            out = subprocess.run(["kcat", "-b", f"127.0.0.1:{port}", "-L", "-t", "auto_created"],
                                 capture_output=True, text=True, timeout=30).stdout
            if not re.search(rf"broker 0 at localhost:{port}\b", out):
                raise SystemExit(f"advertised address missing from metadata:\n{out}")
            if 'topic "auto_created" with 3 partitions' not in out:
                raise SystemExit(f"auto-created topic does not have 3 partitions:\n{out}")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    print("PASS kafka advertised address and num partitions")


if __name__ == "__main__":
    main()
