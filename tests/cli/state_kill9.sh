#!/usr/bin/env bash
# --state-file under kill -9: a writer creates actions through the control API
# as fast as it can while the server is killed at an arbitrary moment, over
# several rounds. After every kill the server must start again on the same
# file, and every action whose creation was acknowledged (201 received) in any
# round must be there. Each change appends a record to the file's log, and a
# small state_compact_bytes makes the background compaction run every few
# hundred writes, so a kill may land inside an append or a compaction; the
# summary says how many compactions ran and how many starts dropped a torn
# record. Torn records and temporaries at chosen points are tested
# deterministically in tests/unit/state_file_test.cpp.
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
  printf '{"emulator":{"clock":"manual","state_compact_bytes":1024},\n'
  printf '"users":[{"email":"admin@redis.local","password":"Redis123!","role":"admin"}],\n'
  printf '"actions":['
  for i in $(seq 1 100); do
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
compactions=0
torn=0

# Creates actions r<round>-<n> one after another; records each acknowledged uid.
write_actions() {
  local round=$1 n=0 code
  while true; do
    n=$((n + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' -u "$auth" -X POST \
      "http://127.0.0.1:$port/emulator/v1/actions" \
      -H 'Content-Type: application/json' -d "{\"type\":\"task\",\"name\":\"retry_bdb\",\"action_uid\":\"r$round-$n\"}" || true)
    [ "$code" = 201 ] && echo "r$round-$n" >> "$acked"
  done
}

for round in $(seq 1 $rounds); do
  start_server "$work/log" --config "$config" --bind 127.0.0.1 --http-port 0 --no-https \
    --state-file "$state" --log-level info
  torn=$((torn + $(grep -c 'dropped a torn' "$work/log" || true)))
  before=$(wc -l < "$acked")
  write_actions "$round" &
  writer=$!
  # Kill after a different number of acknowledged writes each round.
  want=$((before + 25 + round * 13))
  for _ in $(seq 1 3000); do
    [ "$(wc -l < "$acked")" -ge "$want" ] && break
    sleep 0.01
  done
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  kill "$writer"; wait "$writer" 2>/dev/null || true
  writer=""
  compactions=$((compactions + $(grep -c 'compacted in' "$work/log" || true)))
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
torn=$((torn + $(grep -c 'dropped a torn' "$work/log" || true)))
kill -TERM "$pid"; wait "$pid"
pid=""
echo "$(wc -l < "$acked") acknowledged writes over $rounds kill -9 rounds," \
     "$compactions compaction(s), $torn start(s) dropped a torn record," \
     "$missing lost, $seed/100 seed actions"
[ "$missing" -eq 0 ] && [ "$seed" -eq 100 ] && [ "$compactions" -gt 0 ]
