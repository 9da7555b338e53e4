#!/usr/bin/env bash
# Benchmark: re-actions-emulator against nginx serving the same bytes as
# static files, one worker/thread each, on loopback. A tool, not a test.
#
#   bench/run.sh                 # full run (about 4 minutes)
#   ROUNDS=1 DURATION=3 bench/run.sh   # quick look
#   REEMU_BIN=/path/to/older/binary bench/run.sh   # measure another build
#   SECTIONS=reads bench/run.sh  # only the seed reads against nginx (Basic and JWT)
#   SECTIONS=write bench/run.sh  # only the write section (WRITES=200 per kind, BULK=100000)
#   SECTIONS=lists bench/run.sh  # only the first lists after one change at 100k (part of write)
#   SECTIONS=memory bench/run.sh # only RSS with 100k state machines and 1 000 databases
#   SECTIONS=startup bench/run.sh  # only start-up: 1, then 20 instances at once, on port 0
#
# Prints, per case, req/s, p50 and p99 of both servers over alternating
# rounds (A B A B ...) and the median of the per-round ratios; then start-up
# time, idle RSS and RSS with 100k state machines. The seeded databases
# (GET /v1/bdbs, /v1/bdbs/{uid}) are measured too when the build serves them. Loopback only; every
# process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-50}
work=$(mktemp -d /tmp/reemu-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as www-data and must read the bodies
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

scripts/install-deps.sh --bench
bin=$(release_binary)
auth="Authorization: Basic $(printf '%s' 'admin@redis.local:Redis123!' | base64)"

# start_emulator CONFIG THREADS -> sets emu_pid, emu_port
start_emulator() {
  emu_port=$(free_port)
  "$bin" --config "$1" --bind 127.0.0.1 --http-port "$emu_port" --no-https \
    --threads "$2" --log-level warn "${@:3}" &
  emu_pid=$!
  pids+=("$emu_pid")
  wait_health "$emu_port"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
anon_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }

# start_nginx: serves $work/www/<name> at the locations in $work/locations
start_nginx() {
  nginx_port=$(free_port)
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
$(cat "$work/locations")
  }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  nginx_pid=$!
  pids+=("$nginx_pid")
  local deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)); do { (exec 3<>"/dev/tcp/127.0.0.1/$nginx_port"); } 2>/dev/null && return 0; done
  echo "nginx did not come up" >&2; return 1
}

# fetch PORT TARGET FILE: the emulator's exact body, to be served by nginx too
fetch() { curl -sf -H "$auth" "http://127.0.0.1:$1$2" -o "$3"; }

add_location() {  # add_location TARGET FILE
  printf '    location = %s { default_type application/json; alias %s; }\n' "$1" "$2" >> "$work/locations"
}

# wrk_run PORT TARGET -> "rps p50_ms p99_ms non2xx" (with $wrk_auth, when set, instead of $auth)
wrk_run() {
  local out
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "${wrk_auth:-$auth}" "http://127.0.0.1:$1$2")
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, bad + 0 }' <<<"$out"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '%-34s %10s %8s %8s %10s %8s %8s %7s %6s\n' case emu_rps p50ms p99ms nginx_rps p50ms p99ms ratio non2xx
# compare NAME TARGET: alternating rounds against the running emulator and nginx
compare() {
  local name=$1 target=$2 ratios=() e n bad=0
  local -a erps ep50 ep99 nrps np50 np99
  for ((r = 0; r < ROUNDS; r++)); do
    read -r a b c d <<<"$(wrk_run "$emu_port" "$target")"; erps+=("$a"); ep50+=("$b"); ep99+=("$c"); bad=$((bad + d))
    read -r a b c d <<<"$(wrk_run "$nginx_port" "$target")"; nrps+=("$a"); np50+=("$b"); np99+=("$c"); bad=$((bad + d))
    ratios+=("$(awk -v e="${erps[-1]}" -v n="${nrps[-1]}" 'BEGIN {printf "%.3f", e / n}')")
  done
  printf '%-34s %10s %8s %8s %10s %8s %8s %7s %6s\n' "$name" \
    "$(printf '%s\n' "${erps[@]}" | median)" "$(printf '%s\n' "${ep50[@]}" | median)" \
    "$(printf '%s\n' "${ep99[@]}" | median)" "$(printf '%s\n' "${nrps[@]}" | median)" \
    "$(printf '%s\n' "${np50[@]}" | median)" "$(printf '%s\n' "${np99[@]}" | median)" \
    "$(printf '%s\n' "${ratios[@]}" | median)" "$bad"
}

# Big registries: N state machines in wire form.
make_config() {  # make_config N FILE [DATABASES]: databases 1..DATABASES (default 1)
  awk -v n="$1" -v dbs="${3:-1}" 'BEGIN {
    printf "{\"server\":{},\"users\":[{\"email\":\"admin@redis.local\",\"password\":\"Redis123!\",\"role\":\"admin\"}],\"databases\":["
    for (i = 1; i <= dbs; i++) printf "%s%d", (i > 1 ? "," : ""), i
    printf "],\"state-machines\":["
    for (i = 0; i < n; i++) {
      printf "%s{\"action_uid\":\"00000000-0000-4000-8000-%012d\",\"heartbeat\":1760400082,\"name\":\"SMCreateBDB\",\"object_name\":\"bdb:%d\",\"progress\":100,\"status\":\"completed\"}", (i ? "," : ""), i, i % 1000 + 1
    }
    printf "]}\n" }' > "$2"
}

# --- write: the cost of a change, and reads while writing --------------------
# Figures next to the targets of docs/performance.md ("Writes"). Server-side
# times come from the emulator's own request journal (duration_us).
WRITES=${WRITES:-200}
BULK=${BULK:-100000}
write_section() {
  local n kind med p90 lines=() base
  declare -A cost
  make_config 100 "$work/w100.json"
  for n in 10000 100000; do [ -f "$work/sm$n.json" ] || make_config "$n" "$work/sm$n.json"; done
  cp "$work/w100.json" "$work/sm100.json"
  for n in 100 10000 100000; do
    start_emulator "$work/sm$n.json" 1
    python3 bench/write_load.py percost "$emu_port" "$WRITES" > "$work/cost.out"
    while read -r kind med p90; do cost[$kind,$n]=$med; cost[$kind,$n,p90]=$p90; done < "$work/cost.out"
    stop_pid "$emu_pid"
  done
  for kind in create patch bdb; do
    base=${cost[$kind,100]}
    lines+=("$(printf '%-44s %7s %7s %7s us (p90 at 100k %s us); 100k/100 %s; target <= 1000 us and <= 2.0' \
      "$(case $kind in create) echo "write: POST /emulator/v1/actions";; patch) echo "write: PATCH /emulator/v1/actions/{uid}";; bdb) echo "write: POST /v1/bdbs";; esac) median at 100/10k/100k:" \
      "$base" "${cost[$kind,10000]}" "${cost[$kind,100000]}" "${cost[$kind,100000,p90]}" \
      "$(awk -v a="${cost[$kind,100000]}" -v b="$base" 'BEGIN {printf "%.2f", a / b}')")")
  done

  # The same writes with --state-file on tmpfs at 100k: each appends and
  # fdatasyncs one log record (the first save, at start-up, writes the document).
  local state_dir
  state_dir=$(mktemp -d /dev/shm/reemu-bench.XXXXXX)
  start_emulator "$work/sm100000.json" 1 --state-file "$state_dir/state.json"
  python3 bench/write_load.py percost "$emu_port" "$WRITES" > "$work/cost.out"
  stop_pid "$emu_pid"
  while read -r kind med p90; do
    lines+=("$(printf '%-44s %7s us (p90 %s us); target <= 2000 us' \
      "write with --state-file on tmpfs at 100k, $kind: median" "$med" "$p90")")
  done < "$work/cost.out"
  lines+=("$(printf 'write: state file after those writes: %s bytes' "$(stat -c %s "$state_dir/state.json")")")
  rm -rf "$state_dir"

  start_emulator "$seed" 1
  lines+=("$(printf 'write: %s creates one at a time, one keep-alive connection: %s s (target <= 60 s)' \
    "$BULK" "$(python3 bench/write_load.py bulk "$emu_port" "$BULK")")")
  stop_pid "$emu_pid"

  while IFS= read -r line; do lines+=("$line"); done < <(lists_section)

  # Mixed: 50 pollers on one action and one database while a client creates
  # an action every 5 ms, at 10k actions.
  start_emulator "$work/sm10000.json" 1
  cat > "$work/mixed.lua" <<'LUA'
local paths = {"/v1/actions/00000000-0000-4000-8000-000000000007", "/v1/bdbs/1"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[i % 2 + 1])
end
LUA
  local out sent acked
  python3 bench/write_load.py writer "$emu_port" 10 5 > "$work/writer.out" &
  local writer=$!
  out=$(wrk -t1 -c50 -d10s --latency -s "$work/mixed.lua" -H "$auth" "http://127.0.0.1:$emu_port")
  wait "$writer"
  read -r sent acked < "$work/writer.out"
  lines+=("$(mixed_summary <<<"$out" | awk -v sent="$sent" -v acked="$acked" '{
    printf "write: mixed, 50 pollers at 10k actions + a create every 5 ms: read p99 %.2f ms (target <= 2), %d read errors (target 0), %.0f req/s; writes acknowledged %d of %d (target all)", $1, $2, $3, acked, sent }')")
  # The control: the same pollers against nginx (one worker) serving the
  # same two bodies while the same writer runs, its creates going to the
  # emulator (now a bystander): the p99 this 2-core machine gives 50
  # connections to one serving thread when wrk, the writer and a server
  # that handles the writes share its cores.
  : > "$work/locations"
  fetch "$emu_port" /v1/actions/00000000-0000-4000-8000-000000000007 "$work/www/m_action.json"
  fetch "$emu_port" /v1/bdbs/1 "$work/www/m_bdb.json"
  add_location /v1/actions/00000000-0000-4000-8000-000000000007 "$work/www/m_action.json"
  add_location /v1/bdbs/1 "$work/www/m_bdb.json"
  start_nginx
  python3 bench/write_load.py writer "$emu_port" 10 5 > "$work/writer.out" &
  writer=$!
  out=$(wrk -t1 -c50 -d10s --latency -s "$work/mixed.lua" -H "$auth" "http://127.0.0.1:$nginx_port")
  wait "$writer"
  stop_pid "$nginx_pid"
  stop_pid "$emu_pid"
  lines+=("$(mixed_summary <<<"$out" | awk '{
    printf "write: mixed control, the same pollers against nginx while the writer writes to the emulator: read p99 %.2f ms, %d errors, %.0f req/s", $1, $2, $3 }')")
  printf '%s\n' "${lines[@]}"
}

# mixed_summary < WRK_OUTPUT -> "p99_ms errors rps" of a wrk --latency run
mixed_summary() {
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad += $NF }
    /Socket errors/ { gsub(/,/, ""); bad += $4 + $6 + $8 + $10 }
    END { printf "%.3f %d %.0f\n", p99, bad, rps }'
}

# The first list after one change at 100k, against nginx for the same bytes.
lists_section() {
  [ -f "$work/sm100000.json" ] || make_config 100000 "$work/sm100000.json"
  start_emulator "$work/sm100000.json" 1
  : > "$work/locations"
  fetch "$emu_port" /v1/actions "$work/www/w_v1.json"; add_location /v1/actions "$work/www/w_v1.json"
  fetch "$emu_port" /v2/actions "$work/www/w_v2.json"; add_location /v2/actions "$work/www/w_v2.json"
  start_nginx
  local target e ng size
  for target in /v1/actions /v2/actions; do
    read -r e ng size _ <<<"$(python3 bench/write_load.py listafter "$emu_port" "$nginx_port" "$target" 5)"
    printf 'write: GET %s right after one change at 100k: %s ms vs nginx %s ms (%s B); ratio %s, target <= 2.0\n' \
      "$target" "$e" "$ng" "$size" "$(awk -v a="$e" -v b="$ng" 'BEGIN {printf "%.2f", a / b}')"
  done
  stop_pid "$nginx_pid"; stop_pid "$emu_pid"
}

# --- memory: RSS with 100k state machines and 1 000 databases ----------------
# RSS after loading, after each list, after one change and both lists again,
# and after the database list; target < 150 MiB (docs/performance.md).
memory_section() {
  make_config 100000 "$work/mem.json" 1000
  start_emulator "$work/mem.json" 1
  local loaded v1 v2 changed bdbs
  loaded=$(rss_kib "$emu_pid")
  fetch "$emu_port" /v1/actions /dev/null; v1=$(rss_kib "$emu_pid")
  fetch "$emu_port" /v2/actions /dev/null; v2=$(rss_kib "$emu_pid")
  curl -sf -o /dev/null -H "$auth" -H 'Content-Type: application/json' \
    -d '{"type":"state-machine","name":"SMUpdateBDB","object_name":"bdb:1"}' \
    "http://127.0.0.1:$emu_port/emulator/v1/actions"
  fetch "$emu_port" /v1/actions /dev/null; fetch "$emu_port" /v2/actions /dev/null
  changed=$(rss_kib "$emu_pid")
  fetch "$emu_port" /v1/bdbs /dev/null; fetch "$emu_port" /v1/bdbs/1000 /dev/null
  bdbs=$(rss_kib "$emu_pid")
  stop_pid "$emu_pid"
  printf 'memory (KiB RSS, 100k SMs, 1000 databases): loaded %s; after GET /v1/actions %s; after GET /v2/actions %s; after one create and both lists again %s; after GET /v1/bdbs %s (target < 153600)\n' \
    "$loaded" "$v1" "$v2" "$changed" "$bdbs"
}

# --- startup: N instances started at once, as a test suite starts them ------
# Each on port 0 (--http-port 0 --https-port 0: both listeners, a generated
# certificate), timed from exec to its first answered request, with its
# VmRSS once idle and the CPU time it used until ready (bench/startup.py).
# Targets (issue 30): ready <= 10 ms, idle RSS <= 10 MiB. First the floor
# (bench/startup_floor.c: a server that does nothing but answer) through the
# same measurement, so the figures come with what exec, the loader and a
# page fault cost on this machine today, and the emulator's CPU as a
# multiple of it.
startup_section() {
  local rounds=${STARTUP_ROUNDS:-20} floor="" one
  if cc -O2 -o "$work/startup_floor" bench/startup_floor.c; then
    floor=$(python3 bench/startup.py "$work/startup_floor" "$seed" 1 "$rounds") || floor=""
    echo "floor (bench/startup_floor.c): ${floor:-not measured}"
  fi
  one=$(python3 bench/startup.py "$bin" "$seed" 1 "$rounds")
  echo "$one"
  python3 bench/startup.py "$bin" "$seed" 20 "${STARTUP_ROUNDS_20:-5}"
  if [ -n "$floor" ]; then
    cpu_of() { sed -n 's/.*CPU until ready median \([0-9.]*\) ms.*/\1/p' <<<"$1"; }
    awk -v e="$(cpu_of "$one")" -v f="$(cpu_of "$floor")" \
      'BEGIN { if (f > 0) printf "start-up CPU until ready, 1 at once: %.1f x the floor\n", e / f }'
  fi
}

if [ "${SECTIONS:-all}" != all ] && [ "$SECTIONS" != reads ]; then
  seed=config/default.json
  mkdir -p "$work/www"
  case $SECTIONS in
    write) write_section ;;
    lists) lists_section ;;
    memory) memory_section ;;
    startup) startup_section ;;
    *) echo "SECTIONS: reads, write, lists, memory or startup" >&2; exit 2 ;;
  esac
  exit 0
fi

# --- seed data ---------------------------------------------------------------
seed=config/default.json
mkdir -p "$work/www"
: > "$work/locations"
start_emulator "$seed" 1
uid=5a42fabf-c603-4950-88d9-3a3148a5d763
fetch "$emu_port" /v1/actions "$work/www/v1_actions.json"
fetch "$emu_port" "/v1/actions/$uid" "$work/www/v1_action.json"
fetch "$emu_port" /v2/actions "$work/www/v2_actions.json"
add_location /v1/actions "$work/www/v1_actions.json"
add_location "/v1/actions/$uid" "$work/www/v1_action.json"
add_location /v2/actions "$work/www/v2_actions.json"
# The databases of the default config (a build from before /v1/bdbs has none).
bdbs=()
if fetch "$emu_port" /v1/bdbs "$work/www/v1_bdbs.json" && fetch "$emu_port" /v1/bdbs/1 "$work/www/v1_bdb.json"; then
  add_location /v1/bdbs "$work/www/v1_bdbs.json"
  add_location /v1/bdbs/1 "$work/www/v1_bdb.json"
  bdbs=(/v1/bdbs /v1/bdbs/1)
fi
# Users and a database's availability (a build from before those routes has
# neither). The availability answer is an empty 200, served by nginx as an
# empty file.
extra=()
if fetch "$emu_port" /v1/users "$work/www/v1_users.json"; then
  add_location /v1/users "$work/www/v1_users.json"
  extra+=(/v1/users)
fi
if fetch "$emu_port" /v1/bdbs/1/availability "$work/www/v1_bdb_availability"; then
  add_location /v1/bdbs/1/availability "$work/www/v1_bdb_availability"
  extra+=(/v1/bdbs/1/availability)
fi
# The cluster event log (a build from before /v1/logs has none): a fresh
# cluster's is empty, so the read is the route and its query, not the bytes.
if fetch "$emu_port" /v1/logs "$work/www/v1_logs.json"; then
  add_location /v1/logs "$work/www/v1_logs.json"
  extra+=(/v1/logs)
fi
# The latest statistics of every database (computed on demand by the stats
# model; a build from before the stats routes has none). nginx serves the
# body fetched once; the emulator renders it once per clock second (the
# answer cache; a build from before it rendered every request), so the
# bytes differ from second to second, not their size or shape.
if fetch "$emu_port" /v1/bdbs/stats/last "$work/www/v1_bdbs_stats_last.json"; then
  add_location /v1/bdbs/stats/last "$work/www/v1_bdbs_stats_last.json"
  extra+=(/v1/bdbs/stats/last)
fi
idle_rss=$(rss_kib "$emu_pid")
idle_anon=$(anon_kib "$emu_pid")

big_lines=()
for n in 10000 100000; do make_config "$n" "$work/sm$n.json"; done

start_nginx
compare "GET /v1/actions (seed)" /v1/actions
compare "GET /v1/actions/{uid} (seed)" "/v1/actions/$uid"
compare "GET /v2/actions (seed)" /v2/actions
if [ ${#bdbs[@]} -gt 0 ]; then
  compare "GET /v1/bdbs (seed, $(stat -c %s "$work/www/v1_bdbs.json") B)" /v1/bdbs
  compare "GET /v1/bdbs/{uid} (seed)" /v1/bdbs/1
fi
for target in "${extra[@]}"; do compare "GET $target (seed)" "$target"; done
# The same reads with a JWT (POST /v1/users/authorize) instead of Basic.
if token=$(curl -sf -H "$auth" -H 'Content-Type: application/json' -d '{"ttl":86400}'     "http://127.0.0.1:$emu_port/v1/users/authorize" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'); then
  wrk_auth="Authorization: Bearer $token"
  compare "GET /v1/actions (seed, JWT)" /v1/actions
  compare "GET /v1/actions/{uid} (seed, JWT)" "/v1/actions/$uid"
  compare "GET /v2/actions (seed, JWT)" /v2/actions
  compare "GET /v1/bdbs (seed, JWT)" /v1/bdbs
  compare "GET /v1/bdbs/{uid} (seed, JWT)" /v1/bdbs/1
  unset wrk_auth
fi
stop_pid "$nginx_pid"; stop_pid "$emu_pid"
[ "${SECTIONS:-all}" = reads ] && exit 0

for n in 10000 100000; do
  start_emulator "$work/sm$n.json" 1
  load_rss=$(rss_kib "$emu_pid")
  f0=$(date +%s%N); fetch "$emu_port" /v1/actions "$work/www/v1_actions_$n.json"; f1=$(date +%s%N)
  first_ms=$(( (f1 - f0) / 1000000 ))
  : > "$work/locations"
  add_location /v1/actions "$work/www/v1_actions_$n.json"
  fetch "$emu_port" /v1/actions/00000000-0000-4000-8000-000000000007 "$work/www/v1_action_$n.json"
  add_location /v1/actions/00000000-0000-4000-8000-000000000007 "$work/www/v1_action_$n.json"
  start_nginx
  # One client, one request at a time: the second (cached) answer against nginx.
  single() { for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "http://127.0.0.1:$1/v1/actions"; done | median; }
  es=$(single "$emu_port"); ns=$(single "$nginx_port")
  big_lines+=("$(printf '%6s SMs: %5.1f MiB body; first answer %d ms; later answers %.1f ms vs nginx %.1f ms (ratio %.2f); RSS after load %s KiB' \
    "$n" "$(awk -v b="$(stat -c %s "$work/www/v1_actions_$n.json")" 'BEGIN {print b / 1048576}')" "$first_ms" \
    "$(awk -v x="$es" 'BEGIN {print x * 1000}')" "$(awk -v x="$ns" 'BEGIN {print x * 1000}')" \
    "$(awk -v a="$es" -v b="$ns" 'BEGIN {print a / b}')" "$load_rss")")
  compare "GET /v1/actions ($n SMs)" /v1/actions
  if [ "$n" = 100000 ]; then
    compare "GET /v1/actions/{uid} (100k SMs)" /v1/actions/00000000-0000-4000-8000-000000000007
    rss_big=$(rss_kib "$emu_pid")
  fi
  stop_pid "$nginx_pid"; stop_pid "$emu_pid"
done

# --- scaling: --threads 2 against --threads 1, wrk with 2 threads ------------
scale() {
  local threads=$1 out=()
  start_emulator "$seed" "$threads"
  for ((r = 0; r < ROUNDS; r++)); do
    out+=("$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -H "$auth" "http://127.0.0.1:$emu_port/v1/actions" | awk '/Requests\/sec:/ {printf "%.0f", $2}')")
  done
  stop_pid "$emu_pid"
  printf '%s\n' "${out[@]}" | median
}
t1=$(scale 1); t2=$(scale 2)

# --- start-up: exec to first answered request --------------------------------
starts=()
for _ in 1 2 3 4 5; do
  port=$(free_port)
  s=$(date +%s%N)
  "$bin" --config "$seed" --bind 127.0.0.1 --http-port "$port" --https-port 0 --log-level warn &
  p=$!; pids+=("$p")
  wait_health "$port"
  e=$(date +%s%N)
  starts+=("$(( (e - s) / 1000000 ))")
  stop_pid "$p"
done

echo
printf '%s\n' "${big_lines[@]}"
printf 'threads: --threads 1 %s req/s, --threads 2 %s req/s, ratio %s (wrk -t2 -c%s)\n' "$t1" "$t2" \
  "$(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.2f", b / a}')" "$CONNECTIONS"
printf 'start-up to first answer (HTTPS with a generated certificate included): median %s ms of 5\n' \
  "$(printf '%s\n' "${starts[@]}" | median)"
printf 'idle RSS: %s KiB (anonymous %s KiB, the rest mapped code of the binary and shared libraries); RSS with 100k state machines after serving: %s KiB\n' "$idle_rss" "$idle_anon" "$rss_big"
write_section
memory_section
startup_section
printf 'machine: %s cores, %s\n' "$(nproc)" "$(uname -sr)"
