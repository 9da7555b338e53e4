#!/usr/bin/env python3
"""Write-path load for bench/run.sh's `write` section. A tool, not a test.

Speaks HTTP/1.1 over one keep-alive connection per client with a minimal
client of its own (the standard library's is several times slower), so the
client's cost stays small next to the server's. Loopback only.

  write_load.py percost PORT COUNT    # COUNT creates, PATCHes, POST /v1/bdbs;
                                      # prints "create|patch|bdb MEDIAN_US P90_US"
                                      # (server-side, from the request journal)
  write_load.py bulk PORT COUNT       # COUNT creates one at a time; prints seconds
  write_load.py listafter PORT NGINX_PORT TARGET ROUNDS
                                      # per round: one PATCH, then GET TARGET from
                                      # the emulator and from nginx; prints the
                                      # median ms of each
  write_load.py writer PORT SECONDS INTERVAL_MS
                                      # one create every INTERVAL_MS for SECONDS;
                                      # prints "sent acknowledged"
"""
import base64
import json
import socket
import statistics
import sys
import time

AUTH = "Basic " + base64.b64encode(b"admin@redis.local:Redis123!").decode()


class Conn:
    """One keep-alive connection; request() returns (status, body bytes)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def request(self, method, target, body=None, auth=True):
        data = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if auth:
            head += f"Authorization: {AUTH}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        self.sock.sendall(head.encode() + b"\r\n" + data)
        return self._read()

    def _read(self):
        while b"\r\n\r\n" not in self.buf:
            self._more()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        chunks = [self.buf]
        have = len(self.buf)
        while have < length:
            chunk = self.sock.recv(max(1 << 20, length - have))
            if not chunk:
                raise ConnectionError("closed mid-body")
            chunks.append(chunk)
            have += len(chunk)
        data = b"".join(chunks)
        body, self.buf = data[:length], data[length:]
        return status, body

    def _more(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("closed")
        self.buf += chunk


def create_body(i):
    return {"type": "state-machine", "name": "SMUpdateBDB", "object_name": f"bdb:{i % 1000 + 1}"}


def create(c, i):
    status, body = c.request("POST", "/emulator/v1/actions", create_body(i))
    if status != 201:
        raise RuntimeError(f"create: {status} {body[:200]!r}")
    return json.loads(body)["action_uid"]


def server_us(c, method, path, count):
    """Median and p90 duration_us of the newest `count` journal entries."""
    status, body = c.request("GET", f"/emulator/v1/requests?method={method}&path={path}&limit={count}")
    if status != 200:
        raise RuntimeError(f"journal: {status} {body[:200]!r}")
    us = sorted(e["duration_us"] for e in json.loads(body)["requests"] if e["status"] < 300)
    if not us:
        return "nan nan"
    return f"{statistics.median(us):.0f} {us[int(0.9 * (len(us) - 1))]:.0f}"


def percost(port, count):
    c = Conn(port)
    uids = [create(c, i) for i in range(count)]
    print("create", server_us(c, "POST", "/emulator/v1/actions", count))
    for uid in uids:
        status, body = c.request("PATCH", f"/emulator/v1/actions/{uid}", {"progress": 50})
        if status != 200:
            raise RuntimeError(f"patch: {status} {body[:200]!r}")
    print("patch", server_us(c, "PATCH", "/emulator/v1/actions/*", count))
    for i in range(count):
        status, body = c.request("POST", "/v1/bdbs", {"name": f"bench-{time.monotonic_ns()}-{i}", "memory_size": 1 << 30})
        if status != 200:
            raise RuntimeError(f"POST /v1/bdbs: {status} {body[:200]!r}")
    print("bdb", server_us(c, "POST", "/v1/bdbs", count))


def bulk(port, count):
    c = Conn(port)
    start = time.monotonic()
    for i in range(count):
        create(c, i)
    print(f"{time.monotonic() - start:.2f}")


def listafter(port, nginx_port, target, rounds):
    c, n = Conn(port), Conn(nginx_port)
    uid = create(c, 0)
    emu, ngx = [], []
    for r in range(rounds):
        status, _ = c.request("PATCH", f"/emulator/v1/actions/{uid}", {"progress": r % 100})
        if status != 200:
            raise RuntimeError(f"patch: {status}")
        t0 = time.perf_counter()
        status, body = c.request("GET", target)
        t1 = time.perf_counter()
        if status != 200:
            raise RuntimeError(f"GET {target}: {status}")
        emu.append(t1 - t0)
        t0 = time.perf_counter()
        status, nbody = n.request("GET", target)
        ngx.append(time.perf_counter() - t0)
        if status != 200:
            raise RuntimeError(f"nginx GET {target}: {status}")
    size = len(body)
    print(f"{statistics.median(emu) * 1000:.2f} {statistics.median(ngx) * 1000:.2f} {size} {len(nbody)}")


def writer(port, seconds, interval_ms):
    c = Conn(port)
    sent = acked = 0
    start = time.monotonic()
    next_at = start
    while time.monotonic() - start < seconds:
        sent += 1
        status, _ = c.request("POST", "/emulator/v1/actions", create_body(sent))
        acked += status == 201
        next_at += interval_ms / 1000
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print(sent, acked)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "percost":
        percost(int(args[0]), int(args[1]))
    elif cmd == "bulk":
        bulk(int(args[0]), int(args[1]))
    elif cmd == "listafter":
        listafter(int(args[0]), int(args[1]), args[2], int(args[3]))
    elif cmd == "writer":
        writer(int(args[0]), float(args[1]), float(args[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
