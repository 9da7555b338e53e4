#!/usr/bin/env python3
"""Start-up of the emulator as a test suite sees it: N instances started at
once on port 0, each timed from its exec to its first answered request, and
its idle resident size read once it answers. Called by bench/run.sh
(SECTIONS=startup); a tool, not a test. Loopback only; every process it
starts is stopped before it returns.

    bench/startup.py BINARY CONFIG N ROUNDS [extra flags...]

Prints one line: the medians over all instances of all rounds of the time
to ready (ms) and of VmRSS after ready (KiB), plus the worst of each, the
median CPU time the process used until ready (all its threads, from
/proc/PID/task/*/schedstat), which a loaded machine does not stretch, and
the median count of minor page faults until ready (/proc/PID/stat): the
work a start-up does in pages touched, which the machine's speed does not
change (what one fault costs does: bench/startup_floor.c measures that).

The port comes from the ports file (--ports-file) when the binary has the
flag, else from the "listening on http://HOST:PORT" line of its log. The
first request is GET /emulator/v1/health, sent on a fresh connection every
0.2 ms until one answers 200.
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

LISTENING = re.compile(rb"listening on http://[^:\s]+:(\d+)\s")


def has_ports_file(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, check=False).stdout
    return b"--ports-file" in out


def health(port):
    """True when GET /emulator/v1/health on `port` answers 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /emulator/v1/health HTTP/1.0\r\n\r\n")
            return b" 200 " in s.recv(64).split(b"\r\n", 1)[0]
    except OSError:
        return False


def cpu_ms(pid):
    """CPU time of every thread of `pid` so far (schedstat, ns resolution): a
    measure of start-up's work that a loaded machine does not stretch."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e6


def minor_faults(pid):
    """Minor page faults of the whole process so far (/proc/PID/stat field
    10; the command name, field 2, may hold spaces, so count after it)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def one_round(binary, config, n, extra, ports_file):
    work = tempfile.mkdtemp(prefix="reemu-startup.")
    procs, results = [], [None] * n

    def watch(i, proc, started, ports_path):
        port = None
        if ports_path:
            while port is None and proc.poll() is None:
                try:
                    with open(ports_path, encoding="utf-8") as f:
                        port = json.load(f)["ports"]["http"]
                except (OSError, ValueError, KeyError):
                    time.sleep(0.0002)
        else:
            buf = b""
            while port is None:
                chunk = proc.stderr.read1(4096)
                if not chunk:
                    break
                buf += chunk
                m = LISTENING.search(buf)
                if m:
                    port = int(m.group(1))
        if port is None:
            return
        deadline = time.monotonic() + 20
        while not health(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                return
            time.sleep(0.0002)
        ready_ms = (time.perf_counter_ns() - started) / 1e6
        results[i] = (ready_ms, vm_rss_kib(proc.pid), cpu_ms(proc.pid), minor_faults(proc.pid))
        if not ports_path:  # keep the pipe drained so the log never blocks it
            threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()

    threads = []
    try:
        for i in range(n):
            ports_path = os.path.join(work, f"ports{i}.json") if ports_file else None
            args = [binary, "--config", config, "--bind", "127.0.0.1", "--http-port", "0",
                    "--https-port", "0", "--log-level", "info"] + extra
            if ports_path:
                args += ["--ports-file", ports_path]
            started = time.perf_counter_ns()
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            procs.append(proc)
            t = threading.Thread(target=watch, args=(i, proc, started, ports_path))
            t.start()
            threads.append(t)
        for t in threads:
            t.join(30)
        # Idle: the resident size once every instance answered, read again
        # after a short pause (jemalloc's and the threads' settling).
        time.sleep(0.5)
        for i, proc in enumerate(procs):
            if results[i] and proc.poll() is None:
                results[i] = (results[i][0], vm_rss_kib(proc.pid)) + results[i][2:]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        subprocess.run(["rm", "-rf", work], check=False)
    return results


def main():
    binary, config, n, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    extra = sys.argv[5:]
    ports_file = has_ports_file(binary)
    ready, rss, cpu, faults = [], [], [], []
    missed = 0
    for _ in range(rounds):
        for r in one_round(binary, config, n, extra, ports_file):
            if r is None:
                missed += 1  # did not answer within its deadline: reported, not timed
                continue
            ready.append(r[0])
            rss.append(r[1])
            cpu.append(r[2])
            faults.append(r[3])
    print(f"start-up, {n} at once x {rounds}: ready median {statistics.median(ready):.1f} ms "
          f"(max {max(ready):.1f}); idle RSS median {statistics.median(rss):.0f} KiB "
          f"(max {max(rss)}); CPU until ready median {statistics.median(cpu):.1f} ms; "
          f"minor faults until ready median {statistics.median(faults):.0f}"
          f"{f'; {missed} did not answer' if missed else ''}"
          f"{' [' + ' '.join(extra) + ']' if extra else ''}")


if __name__ == "__main__":
    main()
