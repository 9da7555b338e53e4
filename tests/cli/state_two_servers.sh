#!/usr/bin/env bash
# Two servers on one --state-file: the second must refuse to start with a
# clear message (each would otherwise save its own state over the other's
# and lose acknowledged writes), the first keeps serving, and after the first
# is killed with -9 a new server starts on the file (the kernel released the
# lock). The state file stays mode 0600 throughout.
# Usage: state_two_servers.sh BINARY CONFIG
set -euo pipefail
bin=$1
config=$2
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
cleanup() {
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
state=$work/state.json
auth=admin@redis.local:Redis123!
args=(--config "$config" --bind 127.0.0.1 --http-port 0 --no-https --state-file "$state")

start_server "$work/first.log" "${args[@]}"
first=$pid
if timeout 10 "$bin" "${args[@]}" 2>"$work/second.log"; then
  echo "a second server started on a state file in use"; cat "$work/second.log"; exit 1
fi
grep -q "is in use by another server" "$work/second.log" || {
  echo "no clear message from the second server:"; cat "$work/second.log"; exit 1; }

code=$(curl -s -o /dev/null -w '%{http_code}' -u "$auth" -X POST \
  "http://127.0.0.1:$port/emulator/v1/databases" -H 'Content-Type: application/json' -d '{"uid":77}')
[ "$code" = 201 ] || { echo "the first server stopped saving: $code"; exit 1; }
[ "$(stat -c %a "$state")" = 600 ] || { echo "state file mode $(stat -c %a "$state")"; exit 1; }

kill -9 "$first"
wait "$first" 2>/dev/null || true
start_server "$work/third.log" "${args[@]}"
curl -sf -u "$auth" "http://127.0.0.1:$port/emulator/v1/databases" | grep -q 77 || {
  echo "the acknowledged write is missing after the restart"; exit 1; }
kill -TERM "$pid"; wait "$pid"
pid=""
echo "second server refused; first kept serving; restart after kill -9 kept the write"
