#!/usr/bin/env bash
# SIGTERM while connections are still busy late in the 3 s drain: one request
# waits inside a 20 s fault delay (its reply goes out at 2.5 s, the rest of
# the wait cut short), one client pipelines thousands of requests and never
# reads the answers (the server's writes block: closed at 3 s). The server
# must save its state file (the fault's used-up count) and exit 0 within the
# drain plus a moment. It used to segfault or hang instead.
# Usage: sigterm_busy.sh BINARY CONFIG
set -euo pipefail
bin=$1 config=$2
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
clients=""
cleanup() {
  [ -n "$clients" ] && kill $clients 2>/dev/null
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
log=$work/log
state=$work/state.json
auth=$(printf 'admin@redis.local:Redis123!' | base64)

start_server "$log" --config "$config" --bind 127.0.0.1 --http-port 0 --https-port 0 \
  --state-file "$state" --log-level info
base=http://127.0.0.1:$port
curl -sf -u 'admin@redis.local:Redis123!' -H 'Content-Type: application/json' \
  -d '{"method":"GET","path":"/v1/actions/bdb/1","delay_ms":20000,"times":5}' \
  "$base/emulator/v1/faults" >/dev/null

python3 - "$port" "$auth" > "$work/clients.out" <<'PY' &
import socket, sys, time
port, auth = int(sys.argv[1]), sys.argv[2]
# A request inside the fault's delay.
busy = socket.create_connection(("127.0.0.1", port))
busy.sendall(f"GET /v1/actions/bdb/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n\r\n".encode())
# A client that asks for answers and never reads them.
stuck = socket.create_connection(("127.0.0.1", port))
stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
one = f"GET /v1/actions HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n\r\n".encode()
stuck.settimeout(5)
try:
    for _ in range(20000):
        stuck.sendall(one)
except OSError:
    pass  # the server stopped reading: its answers are stuck
print("sent", flush=True)
time.sleep(60)
PY
clients=$!
# Wait until both are in place: the fault hit once, the writer done sending.
for _ in $(seq 1 500); do
  hits=$(curl -sf -u 'admin@redis.local:Redis123!' "$base/emulator/v1/faults" |
    python3 -c 'import json,sys; print(sum(f["hits"] for f in json.load(sys.stdin)["faults"]))')
  [ "$hits" -ge 1 ] && grep -q sent "$work/clients.out" && break
  sleep 0.02
done
[ "$hits" -ge 1 ] || { echo "the delayed request never arrived"; cat "$log"; exit 1; }

kill -TERM "$pid"
start=$SECONDS
code=0
wait "$pid" || code=$?
took=$((SECONDS - start))
pid=""
[ "$code" -eq 0 ] || { echo "exit code $code after SIGTERM"; cat "$log"; exit 1; }
(( took <= 6 )) || { echo "took $took s to stop"; exit 1; }
grep -q "still busy after 3 s" "$log" || { echo "no drain-deadline line"; cat "$log"; exit 1; }
grep -q "stopped" "$log" || { echo "no 'stopped' line"; cat "$log"; exit 1; }
# The fault's use was saved on the way out: 4 of its 5 times are left.
python3 - "$state" <<'PY' || { echo "state file without the used fault"; cat "$state"; exit 1; }
import json, sys
# The document, then the log records: the last one that holds the faults wins.
lines = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
faults = [line["faults"] for line in lines if "faults" in line][-1]
assert any(f.get("times") == 4 for f in faults), faults
PY
echo "SIGTERM with busy connections: exit 0 after $took s, state saved"
