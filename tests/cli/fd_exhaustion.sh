#!/usr/bin/env bash
# Out of file descriptors. (1) Started under `ulimit -n 256`, the server
# lowers max_connections to what the limit allows and says so. (2) With its
# limit cut to 128 while running and 200 idle connections held open, accept
# fails with EMFILE: the loop must back off instead of spinning (it used to
# burn a core and log millions of "accept failed" lines), and serve a new
# request once the idle connections close.
# Usage: fd_exhaustion.sh BINARY CONFIG
set -euo pipefail
bin=$1 config=$2
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
holder=""
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
log=$work/log
args=(--config "$config" --bind 127.0.0.1 --http-port 0 --https-port 0 --no-https --log-level info)

# (1) The cap follows the limit: 256 less 64 descriptors of headroom.
( ulimit -n 256; start_server "$log" "${args[@]}"; kill -TERM "$pid"; wait "$pid" )
grep -q "max_connections lowered from 10000 to 192" "$log" ||
  { echo "no lowered max_connections line"; cat "$log"; exit 1; }
grep -q "at most 192 connections" "$log" || { echo "ready line without the cap"; cat "$log"; exit 1; }

# (2) EMFILE while running.
start_server "$log" "${args[@]}"
prlimit --pid "$pid" --nofile=128:128
python3 - "$port" > "$work/holder.out" <<'PY' &
import socket, sys, time
held = []
for _ in range(200):
    try:
        held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5))
    except OSError:
        break
print(len(held), flush=True)
time.sleep(3)  # hold them while the server is out of fds
for s in held:
    s.close()
print("closed", flush=True)
time.sleep(60)
PY
holder=$!
for _ in $(seq 1 500); do [ -s "$work/holder.out" ] && break; sleep 0.01; done
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(ticks)
sleep 2  # measuring CPU over a span of time; not synchronisation
used=$(( $(ticks) - before ))
failed=$(grep -c "accept failed" "$log" || true)
echo "200 idle connections over a 128-descriptor limit: $used ticks of CPU in 2 s, $failed 'accept failed' line(s)"
(( used < 40 )) || { echo "the accept loop spins: $used ticks in 2 s"; exit 1; }
(( failed >= 1 && failed <= 3 )) || { echo "$failed 'accept failed' lines"; tail -5 "$log"; exit 1; }

# Once the idle connections close, a new one is served.
for _ in $(seq 1 500); do grep -q closed "$work/holder.out" && break; sleep 0.01; done
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/emulator/v1/health" || true)
[ "$status" = 200 ] || { echo "health after the idle connections closed: $status"; tail -5 "$log"; exit 1; }
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
[ "$code" -eq 0 ] || { echo "exit code $code"; exit 1; }
# A sanitizer build: only the false vptr reports of a sanitizer out of
# descriptors may appear (see CMakeLists.txt): UBSan checks that an object's
# memory is readable through a pipe, so with no descriptor left it reports a
# valid object and cannot print its memory. Any other report is a failure.
errors=$(grep -c "runtime error:" "$log" || true)
false_vptr=$(awk '/runtime error: member (access within|call on) address 0x[0-9a-f]+ which does not point to an object of type/ {
                    pending = 3; next }
                  pending && /<memory cannot be printed>/ { count++; pending = 0; next }
                  pending { pending-- }
                  END { print count + 0 }' "$log")
if (( errors != false_vptr )); then
  echo "sanitizer runtime errors:"; grep -A3 "runtime error:" "$log"; exit 1
fi
echo "fd exhaustion: bounded, then served again"
