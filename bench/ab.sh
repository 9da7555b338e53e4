#!/usr/bin/env bash
# A/B benchmark: two emulator builds side by side, for "did this change cost
# throughput?". A tool, not a test; loopback only.
#
#   bench/ab.sh OLD_BINARY OLD_CONFIG [NEW_BINARY [NEW_CONFIG]]
#   (NEW defaults to the release preset's binary and config/default.json)
#
# Both servers run at once (--threads 1, no HTTPS). For each route, ROUNDS
# rounds of `wrk -t1 -c50 -dDURATION` in the order A B B A, so neither build
# always runs first (on a shared machine, order alone moved one build's
# figure by 1.5x); per round the ratio new/old of the two pairs' sums.
# Prints both medians and the median ratio with every round's ratio: above 1
# the new build is faster.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

[ $# -ge 2 ] || { echo "usage: bench/ab.sh OLD_BINARY OLD_CONFIG [NEW_BINARY [NEW_CONFIG]]" >&2; exit 2; }
old_bin=$1 old_config=$2
new_bin=${3:-$(release_binary)} new_config=${4:-config/default.json}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-3}
ROUTES=${ROUTES:-/v1/actions /v1/actions/5a42fabf-c603-4950-88d9-3a3148a5d763 /v2/actions}
scripts/install-deps.sh --bench
auth="Authorization: Basic $(printf '%s' 'admin@redis.local:Redis123!' | base64)"

pids=()
trap 'for p in "${pids[@]}"; do stop_pid "$p"; done' EXIT
start() {  # start BINARY CONFIG -> prints the port
  local port
  port=$(free_port)
  "$1" --config "$2" --bind 127.0.0.1 --http-port "$port" --no-https --threads 1 \
    --log-level warn >/dev/null 2>&1 &
  pids+=($!)
  echo "$port"
}
old_port=$(start "$old_bin" "$old_config")
new_port=$(start "$new_bin" "$new_config")
wait_health "$old_port"
wait_health "$new_port"

rps() { wrk -t1 -c50 -d"${DURATION}s" -H "$auth" "http://127.0.0.1:$1$2" | awk '/Requests\/sec:/ {printf "%.0f", $2}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '%-60s %10s %10s %7s  %s\n' route old_rps new_rps ratio rounds
for route in $ROUTES; do
  olds=() news=() ratios=()
  for ((r = 0; r < ROUNDS; r++)); do
    a1=$(rps "$old_port" "$route"); b1=$(rps "$new_port" "$route")
    b2=$(rps "$new_port" "$route"); a2=$(rps "$old_port" "$route")
    olds+=("$a1" "$a2"); news+=("$b1" "$b2")
    ratios+=("$(awk -v a=$((a1 + a2)) -v b=$((b1 + b2)) 'BEGIN {printf "%.3f", b / a}')")
  done
  printf '%-60s %10s %10s %7s  %s\n' "$route" "$(printf '%s\n' "${olds[@]}" | median)" \
    "$(printf '%s\n' "${news[@]}" | median)" "$(printf '%s\n' "${ratios[@]}" | median)" "${ratios[*]}"
done
