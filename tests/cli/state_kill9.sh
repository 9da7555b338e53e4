#!/usr/bin/env bash
# --state-file under kill -9: a writer creates actions through the control API
# as fast as it can while the server is killed at an arbitrary moment, over
# several rounds. After every kill the server must start again on the same
# file, and every action whose creation was acknowledged (201 received) in any
# round must be there. The state is made large (a seed of several thousand
# actions, about half a megabyte a save) so that a kill may land inside a
# save; the summary says how many left a torn temporary file. Torn writes at
# chosen points are tested deterministically in tests/unit/state_file_test.cpp.
# Usage: state_kill9.sh BINARY
set -euo pipefail
bin=$1
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
writer=""
cleanup() {
  [ -n "$writer" ] && kill "$writer" 2>/dev/null
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

config=$work/config.json
{
  printf '{"emulator":{"clock":"manual"},\n'
  printf '"users":[{"email":"admin@redis.local","password":"Redis123!","role":"admin"}],\n'
  printf '"actions":['
  for i in $(seq 1 3000); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"action_uid":"seed-%d","name":"retry_bdb","node_uid":"1","progress":"100","status":"completed"}' "$i"
  done
  printf ']}\n'
} > "$config"
state=$work/state.json
acked=$work/acked
: > "$acked"
auth=admin@redis.local:Redis123!
rounds=5
torn=0

# Creates actions r<round>-<n> one after another; records each acknowledged uid.
write_actions() {
  local round=$1 n=0 code
  while true; do
    n=$((n + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' -u "$auth" -X POST \
      "http://127.0.0.1:$port/emulator/v1/actions" \
      -d "{\"type\":\"task\",\"name\":\"retry_bdb\",\"action_uid\":\"r$round-$n\"}" || true)
    [ "$code" = 201 ] && echo "r$round-$n" >> "$acked"
  done
}

for round in $(seq 1 $rounds); do
  start_server "$work/log" --config "$config" --bind 127.0.0.1 --http-port 0 --no-https \
    --state-file "$state" --log-level info
  before=$(wc -l < "$acked")
  write_actions "$round" &
  writer=$!
  # Kill after a different number of acknowledged writes each round.
  want=$((before + 2 + round * 3))
  for _ in $(seq 1 3000); do
    [ "$(wc -l < "$acked")" -ge "$want" ] && break
    sleep 0.01
  done
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  kill "$writer"; wait "$writer" 2>/dev/null || true
  writer=""
  [ -e "$state.tmp" ] && torn=$((torn + 1))
  [ "$(wc -l < "$acked")" -ge "$want" ] || { echo "round $round: writes stalled"; cat "$work/log"; exit 1; }
done

# One more start: everything acknowledged in any round is there.
start_server "$work/log" --config "$config" --bind 127.0.0.1 --http-port 0 --no-https \
  --state-file "$state" --log-level info
curl -sf -u "$auth" "http://127.0.0.1:$port/v1/actions" > "$work/list"
missing=0
while read -r uid; do
  grep -q "\"action_uid\":\"$uid\"" "$work/list" || { echo "lost: $uid"; missing=$((missing + 1)); }
done < "$acked"
seed=$(grep -o '"action_uid":"seed-' "$work/list" | wc -l)
kill -TERM "$pid"; wait "$pid"
pid=""
echo "$(wc -l < "$acked") acknowledged writes over $rounds kill -9 rounds," \
     "$torn kill(s) left a torn temporary file, $missing lost, $seed/3000 seed actions"
[ "$missing" -eq 0 ] && [ "$seed" -eq 3000 ]
