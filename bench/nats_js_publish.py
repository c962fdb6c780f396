#!/usr/bin/python3
"""Minimal NATS JetStream publisher for kafka_produce_bench.sh.

Speaks the NATS text protocol over raw TCP (Debian ships nats-server but no
client library or `nats` CLI): CONNECT, SUB to a reply inbox, create a
file-storage stream through the JetStream API, then PUB records with that
reply subject. JetStream answers each stored message on the reply subject
with {"stream":..., "seq":N} (or {"error":...}) after it is written to the
stream's file store (nats-server 2.9 does not fsync per message: see the
durability notes in docs/PERFORMANCE.md).

Every connection keeps at most --window unacknowledged messages in flight,
sent in pipelined chunks; a record counts when its ack arrives. Prints one
key=value line: records_per_s counts acknowledged records, MB_per_s counts
payload bytes (records x record_bytes / 1e6).

  nats_js_publish.py --port 4222 --records 1000000 --record-bytes 100 \
      --connections 4 --window 2048
"""
import argparse
import asyncio
import json
import time

SUBJECT = b"bench.data"
INBOX = b"_INBOX.bench"


class Conn:
    """One NATS connection: a reader that counts acks, a writer that sends."""

    def __init__(self, reader, writer, inbox):
        self.reader, self.writer, self.inbox = reader, writer, inbox
        self.buf = b""
        self.acked = 0
        self.errors = 0
        self.first_error = ""
        self.ack_event = asyncio.Event()
        self.replies = {}

    async def read_messages(self, stop_at=None):
        """Parses server output; returns when `stop_at()` is true."""
        while stop_at is None or not stop_at():
            data = await self.reader.read(1 << 16)
            if not data:
                raise SystemExit("nats: connection closed by server")
            self.buf += data
            self._parse()

    def _parse(self):
        buf = self.buf
        pos = 0
        while True:
            end = buf.find(b"\r\n", pos)
            if end < 0:
                break
            line = buf[pos:end]
            if line.startswith(b"MSG "):
                parts = line.split()
                size = int(parts[-1])
                if len(buf) < end + 2 + size + 2:
                    break
                payload = buf[end + 2:end + 2 + size]
                self._on_msg(parts[1], payload)
                pos = end + 2 + size + 2
                continue
            if line == b"PING":
                self.writer.write(b"PONG\r\n")
            elif line.startswith(b"-ERR"):
                raise SystemExit("nats: " + line.decode())
            pos = end + 2
        self.buf = buf[pos:]

    def _on_msg(self, subject, payload):
        if subject == self.inbox + b".ack":
            if b'"error"' in payload:
                self.errors += 1
                if not self.first_error:
                    self.first_error = payload.decode()
            else:
                self.acked += 1
            self.ack_event.set()
        else:
            self.replies[subject] = payload


async def connect(port, k):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    info = await reader.readline()
    if not info.startswith(b"INFO"):
        raise SystemExit("nats: unexpected greeting %r" % info)
    inbox = b"%s.%d" % (INBOX, k)  # per connection: acks reach only it
    writer.write(b'CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\n'
                 b"SUB " + inbox + b".* 1\r\n")
    await writer.drain()
    return Conn(reader, writer, inbox)


async def create_stream(conn, name, max_bytes):
    body = json.dumps({"name": name, "subjects": [SUBJECT.decode()],
                       "storage": "file", "retention": "limits",
                       "max_bytes": max_bytes, "discard": "old"}).encode()
    reply = conn.inbox + b".create"
    conn.writer.write(b"PUB $JS.API.STREAM.CREATE.%s %s %d\r\n%s\r\n"
                      % (name.encode(), reply, len(body), body))
    await conn.writer.drain()
    await asyncio.wait_for(conn.read_messages(lambda: reply in conn.replies), 30)
    answer = json.loads(conn.replies[reply])
    if "error" in answer:
        raise SystemExit("nats: stream create failed: %s" % answer["error"])


async def publish(conn, records, record_bytes, window, chunk):
    frame = (b"PUB %s %s.ack %d\r\n%s\r\n"
             % (SUBJECT, conn.inbox, record_bytes, b"x" * record_bytes))
    reader = asyncio.ensure_future(
        conn.read_messages(lambda: conn.acked + conn.errors >= records))
    sent = 0
    while sent < records:
        while sent - conn.acked - conn.errors + chunk > window:
            conn.ack_event.clear()
            await conn.ack_event.wait()
        n = min(chunk, records - sent)
        conn.writer.write(frame * n)
        sent += n
        await conn.writer.drain()
    await reader


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--record-bytes", type=int, default=100)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--window", type=int, default=2048)
    ap.add_argument("--chunk", type=int, default=256)
    args = ap.parse_args()
    admin = await connect(args.port, 0)
    await create_stream(admin, "BENCH", 8 << 30)
    conns = [await connect(args.port, k + 1) for k in range(args.connections)]
    per = args.records // args.connections
    start = time.monotonic()
    await asyncio.gather(*(publish(c, per, args.record_bytes, args.window,
                                   min(args.chunk, args.window))
                           for c in conns))
    secs = time.monotonic() - start
    acked = sum(c.acked for c in conns)
    errors = sum(c.errors for c in conns)
    first = next((c.first_error for c in conns if c.first_error), "")
    rps = acked / secs
    print("records=%d acked=%d errors=%d seconds=%.3f records_per_s=%.0f "
          "MB_per_s=%.2f first_error=%s"
          % (per * args.connections, acked, errors, secs, rps,
             rps * args.record_bytes / 1e6, json.dumps(first)))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
