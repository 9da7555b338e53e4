#!/usr/bin/env bash
# Soak: minutes of mixed load, faults on, against the release binary. A tool,
# not a test: it reports whether the server's RSS stays flat and whether
# anything errs.
#
#   bench/soak.sh                    # 300 s of load
#   DURATION=30 bench/soak.sh        # quick look
#
# One emulator (release build, --clock real, plain HTTP on a free loopback
# port, --threads 2, --state-file in the work dir, so every control-API write
# also saves the state file) with three fault rules, tried in this order:
#   GET /v1/actions/bdb/*  drop the connection, probability 0.02
#   GET /v1/actions/*      answer 503,          probability 0.05
#   GET /v2/actions        delay 20 ms,         probability 0.05
# Then, for DURATION seconds, all at once:
#   - wrk, 1 thread and CONNECTIONS connections, on a round-robin mix of
#     /v1/actions and /v2/actions (6 in 10), point lookups in v1 and v2, and
#     /v1/actions/bdb/{1,2}; a Lua script counts every answer by status and
#     error_code;
#   - a control-API churn loop (curl, one pass every CHURN_INTERVAL s): creates
#     actions from templates with 0.5 s steps and 5 s retention, so they finish
#     and vanish; patches one in five to a final status, deletes one in five;
#     now and then adds a user, reads with it, demotes and removes it, adds and
#     removes a database, reads the journal and the fault rules;
#   - a poller that follows each created action until it ends, as a CI client
#     waits for one: it polls every POLL_INTERVAL s, retries injected 503s, and
#     checks the end (completed or failed as planned, 404 only once the
#     retention is over or after a delete, never stuck past a minute);
#   - a sampler: the server's VmRSS, open fds and threads every SAMPLE s.
# Afterwards the server is stopped with SIGTERM (it must exit 0) and started
# again from its state file (the three fault rules must come back).
#
# Warm-up: RSS climbs at first and flatness is judged on the second half only
# (WARMUP, default DURATION/2). The request journal is a ring of
# emulator.journal_size entries (10000 in config/default.json) and RSS grows
# with it until it is full (the summary estimates when, from the request rate:
# seconds at wrk's rates); malloc's per-thread arenas, the cached list bodies
# and the set of short-lived actions settle in the same time.
#
# Exit status 1 (the summary names the reasons) when:
#   - anything erred unexpectedly: an answer to wrk or the poller that is not
#     2xx and not an injected 503, a socket error beyond the drop rule's hits,
#     a control call answered with another status than the one expected (any
#     5xx, any unexpected 4xx) or not answered, an action that ended in the
#     wrong state, ended or vanished too early or never ended, a line at
#     level error or critical in the server's log;
#   - the server died, did not exit 0 on SIGTERM or did not restart from its
#     state file;
#   - more fds were open once the load stopped than before it started;
#   - RSS grew more than MAX_GROWTH_KIB (default 1024 KiB) over the second
#     half: the least-squares slope of the samples taken from WARMUP on, times
#     the time they span.
#
# Knobs: DURATION (300), SAMPLE (5, whole seconds), WARMUP (DURATION/2),
# CONNECTIONS (4), CHURN_INTERVAL (0.5), POLL_INTERVAL (1), MAX_GROWTH_KIB
# (1024), KEEP=1 keeps the work dir (server log, samples, wrk output, errors).
# Loopback only; every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
export LC_ALL=C  # '.' in EPOCHREALTIME and in awk's numbers

DURATION=${DURATION:-300}
SAMPLE=${SAMPLE:-5}
WARMUP=${WARMUP:-$((DURATION / 2))}
CONNECTIONS=${CONNECTIONS:-4}
CHURN_INTERVAL=${CHURN_INTERVAL:-0.5}
POLL_INTERVAL=${POLL_INTERVAL:-1}
MAX_GROWTH_KIB=${MAX_GROWTH_KIB:-1024}
KEEP=${KEEP:-0}

work=$(mktemp -d /tmp/reemu-soak.XXXXXX)
pids=()
cleanup() {
  touch "$work/stop" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

scripts/install-deps.sh --bench
bin=$(release_binary)
config=config/default.json
admin='admin@redis.local:Redis123!'
auth="Authorization: Basic $(printf '%s' "$admin" | base64)"
journal_size=$(grep -o '"journal_size": *[0-9]*' "$config" | grep -o '[0-9]*$' || echo 10000)
state=$work/state.json
: > "$work/errors"
: > "$work/queue"

# start_server PORT -> sets emu_pid, base
start_server() {
  base=http://127.0.0.1:$1
  "$bin" --config "$config" --bind 127.0.0.1 --http-port "$1" --no-https --threads 2 \
    --clock real --state-file "$state" --log-level warn >>"$work/server.log" 2>&1 &
  emu_pid=$!
  pids+=("$emu_pid")
  wait_health "$1"
}

# alive PID: running, not a zombie
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

now_ms() { local t=${EPOCHREALTIME/./}; now=$((10#$t / 1000)); }

err() { printf '%s %s\n' "$(date +%T)" "$*" >> "$work/errors"; }

# call CREDENTIALS EXPECTED METHOD PATH [BODY]: one request with curl; sets
# code and body. A status other than EXPECTED, or no answer, counts as a
# failure (logged to $work/errors) and returns 1. On the emulated API, where
# the fault rules apply, an injected 503 or a dropped connection (curl exit
# 52 or 56) is retried, up to 5 tries, and counted in `retried`.
calls=0 failures=0 retried=0
call() {
  local cred=$1 expect=$2 method=$3 path=$4 out rc try
  local args=(-s --max-time 10 -u "$cred" -X "$method" -w '\n%{http_code}')
  [ $# -ge 5 ] && args+=(-H 'Content-Type: application/json' -d "$5")
  for try in 1 2 3 4 5; do
    rc=0
    out=$(curl "${args[@]}" "$base$path") || rc=$?
    code=${out##*$'\n'}
    body=${out%$'\n'*}
    [[ $path == /v[12]/* ]] || break
    if [ "$rc" = 52 ] || [ "$rc" = 56 ] || { [ "$code" = 503 ] && [[ $body == *'"injected_fault"'* ]]; }; then
      ((try == 5)) || { retried=$((retried + 1)); continue; }
    fi
    break
  done
  calls=$((calls + 1))
  if [ "$rc" -ne 0 ] || [ "$code" != "$expect" ]; then
    failures=$((failures + 1))
    err "control $method $path: expected $expect, got ${code:-nothing} (curl exit $rc) ${body:0:200}"
    return 1
  fi
}
ctl() { call "$admin" "$@"; }

# --- the churn loop ------------------------------------------------------------
# Templates with short plans, '|'-separated: type, name, simulate, outcome,
# duration in ms (pending + starting + steps, or to the end of the failing
# step), retention in ms. SMDeleteBDB keeps its retention of 0: it vanishes
# as it ends, and the poller may never see it completed.
templates=(
  'state-machine|SMCreateBDB|{"step_seconds":0.5,"retain_seconds":5}|completed|4500|5000'
  'task|retry_bdb|{"step_seconds":0.5,"retain_seconds":5}|completed|3500|5000'
  'state-machine|SMUpdateBDB|{"step_seconds":0.5,"retain_seconds":5,"fail_at_step":3,"error":"soak: shard 3 did not come up"}|failed|3000|5000'
  'state-machine|SMDeleteBDB|{"step_seconds":0.5}|gone|4500|0'
  'task|module_installation|{"step_seconds":0.5,"retain_seconds":5,"fail_at_step":1,"error_code":"soak_failure","error":"soak: download failed"}|failed|3000|5000'
  'state-machine|SMRedisFailover|{"step_seconds":0.5,"retain_seconds":5}|completed|2500|5000'
)
# Queue lines for the poller: uid api expected earliest_404_ms earliest_end_ms deadline_ms
enqueue() { printf '%s %s %s %s %s %s\n' "$@" >> "$work/queue"; }

churn() {
  local n=0 created=0 patched=0 deleted=0 users=0 dbs=0
  local type name sim outcome dur retain uid api t0 t1 obj final user first last
  calls=0 failures=0 retried=0  # this loop's own, added to the main shell's at the end
  while [ ! -e "$work/stop" ]; do
    n=$((n + 1))
    IFS='|' read -r type name sim outcome dur retain <<<"${templates[n % ${#templates[@]}]}"
    if [ "$type" = task ]; then obj=1; else obj=$((n % 3 + 1)); fi
    api=v1; ((n % 3)) || api=v2
    now_ms; t0=$now
    if ctl 201 POST /emulator/v1/actions "{\"type\":\"$type\",\"name\":\"$name\",\"object_name\":\"bdb:$obj\",\"simulate\":$sim}" &&
       [[ $body =~ \"action_uid\":\"([^\"]+)\" ]]; then
      uid=${BASH_REMATCH[1]}
      created=$((created + 1))
      case $((n % 5)) in
        3)  # deleted at once: 404 from the first poll on
          if ctl 204 DELETE "/emulator/v1/actions/$uid"; then
            deleted=$((deleted + 1))
            enqueue "$uid" "$api" deleted 0 0 $((t0 + 60000))
          fi ;;
        1)  # frozen by a first patch, then given a final status and 5 s retention
          if [ "$type" = task ]; then
            first='{"progress":"50"}'
            if ((n % 10 == 1)); then final=completed last='{"status":"completed","progress":"100","retain_seconds":5}'
            else final=failed last='{"status":"failed","error_code":"soak","error_message":"soak: patched to failed","retain_seconds":5}'; fi
          else
            first='{"progress":50,"state":"soak"}'
            if ((n % 10 == 1)); then final=completed last='{"status":"completed","progress":100,"retain_seconds":5}'
            else final=failed last='{"status":"failed","error":"soak: patched to failed","retain_seconds":5}'; fi
          fi
          now_ms; t1=$now
          if ctl 200 PATCH "/emulator/v1/actions/$uid" "$first" && ctl 200 PATCH "/emulator/v1/actions/$uid" "$last"; then
            patched=$((patched + 1))
            enqueue "$uid" "$api" "$final" $((t1 + 5000)) 0 $((t0 + 60000))
          fi ;;
        *)  # left to its plan
          enqueue "$uid" "$api" "$outcome" $((t0 + dur + retain)) $((t0 + dur)) $((t0 + dur + 60000)) ;;
      esac
    fi
    if ((n % 10 == 5)); then  # a user: add, read with it, demote, remove
      user="soak$n@example.com"
      if ctl 201 POST /emulator/v1/users "{\"email\":\"$user\",\"password\":\"Soak123!\",\"role\":\"cluster_viewer\"}"; then
        users=$((users + 1))
        call "$user:Soak123!" 200 GET /v1/actions || true
        if ctl 200 PATCH "/emulator/v1/users/$user" '{"role":"none"}'; then
          call "$user:Soak123!" 403 GET /v2/actions || true
        fi
        if ctl 204 DELETE "/emulator/v1/users/$user"; then
          call "$user:Soak123!" 401 GET /v1/actions || true
        fi
      fi
    fi
    if ((n % 15 == 7)); then  # a database: add, list it, remove
      if ctl 201 POST /emulator/v1/databases "{\"uid\":$((1000 + n))}"; then
        dbs=$((dbs + 1))
        ctl 200 GET "/v1/actions/bdb/$((1000 + n))" || true  # faults retried
        ctl 204 DELETE "/emulator/v1/databases/$((1000 + n))" || true
      fi
    fi
    if ((n % 20 == 0)); then
      ctl 200 GET '/emulator/v1/requests?limit=50' || true
      ctl 200 GET /emulator/v1/faults || true
      ctl 200 GET /emulator/v1/clock || true
    fi
    sleep "$CHURN_INTERVAL"
  done
  printf '%s %s\n' calls "$calls" failures "$failures" retried "$retried" created "$created" patched "$patched" \
    deleted "$deleted" users "$users" dbs "$dbs" > "$work/churn.counts"
}

# --- the poller ------------------------------------------------------------------
poller() {
  local -A api expect gone_ms end_ms deadline
  local polls=0 inj=0 completed=0 failed=0 gone_end=0 gone_late=0 deleted404=0 bad=0 followed=0
  local uid a e g s d out rc code body status want drain_until=0
  exec 7<"$work/queue"
  while :; do
    while read -r -u 7 uid a e g s d; do
      api[$uid]=$a expect[$uid]=$e gone_ms[$uid]=$g end_ms[$uid]=$s deadline[$uid]=$d
      followed=$((followed + 1))
    done
    for uid in "${!expect[@]}"; do
      rc=0
      out=$(curl -s --max-time 10 -H "$auth" -w '\n%{http_code}' "$base/${api[$uid]}/actions/$uid") || rc=$?
      polls=$((polls + 1))
      code=${out##*$'\n'}
      body=${out%$'\n'*}
      now_ms
      e=${expect[$uid]}
      if [ "$rc" -ne 0 ]; then
        bad=$((bad + 1)); err "poll $uid: no answer (curl exit $rc)"; continue  # retried
      elif [ "$code" = 503 ] && [[ $body == *'"injected_fault"'* ]]; then
        inj=$((inj + 1)); continue  # retried
      elif [ "$code" = 200 ]; then
        status=
        [[ $body =~ \"status\":\"([a-z_]+)\" ]] && status=${BASH_REMATCH[1]}
        case $status in
          completed | failed)
            want=$e; [ "$e" = gone ] && want=completed
            if [ "$e" = deleted ]; then
              bad=$((bad + 1)); err "poll $uid: deleted, yet answers 200 $status"
            elif [ "$status" != "$want" ]; then
              bad=$((bad + 1)); err "poll $uid: ended $status, expected $e: ${body:0:200}"
            elif ((now + 500 < end_ms[$uid])); then
              bad=$((bad + 1)); err "poll $uid: ended $status $((end_ms[$uid] - now)) ms before it could have"
            elif [ "$status" = completed ]; then completed=$((completed + 1))
            else failed=$((failed + 1))
            fi ;;
          *)
            if [ "$e" = deleted ]; then
              bad=$((bad + 1)); err "poll $uid: deleted, yet answers 200 ${status:-?}"
            elif ((now > deadline[$uid])); then
              bad=$((bad + 1)); err "poll $uid: still ${status:-?} a minute after creation"
            else
              continue  # not ended yet
            fi ;;
        esac
      elif [ "$code" = 404 ] && [[ $body == *'"action_not_found"'* ]]; then
        if [ "$e" = deleted ]; then deleted404=$((deleted404 + 1))
        elif ((now + 500 < gone_ms[$uid])); then
          bad=$((bad + 1)); err "poll $uid ($e): 404 $((gone_ms[$uid] - now)) ms before its retention ended"
        elif [ "$e" = gone ]; then gone_end=$((gone_end + 1))
        else gone_late=$((gone_late + 1))  # retention over before this poll saw the end
        fi
      else
        bad=$((bad + 1)); err "poll $uid: answered $code ${body:0:200}"
      fi
      unset "api[$uid]" "expect[$uid]" "gone_ms[$uid]" "end_ms[$uid]" "deadline[$uid]"
    done
    [ -e "$work/died" ] && break  # the server is gone: nothing left to follow
    if [ -e "$work/stop" ]; then
      # The churn loop has stopped: follow what is left for up to 30 s more.
      ((drain_until)) || { now_ms; drain_until=$((now + 30000)); continue; }
      now_ms
      ((${#expect[@]} == 0)) && break
      if ((now > drain_until)); then
        for uid in "${!expect[@]}"; do bad=$((bad + 1)); err "poll $uid: had not ended when the poller gave up"; done
        break
      fi
    fi
    sleep "$POLL_INTERVAL"
  done
  printf '%s %s\n' followed "$followed" polls "$polls" injected "$inj" completed "$completed" \
    failed "$failed" gone_end "$gone_end" gone_late "$gone_late" deleted404 "$deleted404" \
    unexpected "$bad" > "$work/poller.counts"
}

# --- wrk's mix -----------------------------------------------------------------
cat > "$work/mix.lua" <<'LUA'
local paths = {
  "/v1/actions", "/v2/actions", "/v1/actions", "/v2/actions", "/v1/actions", "/v2/actions",
  "/v1/actions/5a42fabf-c603-4950-88d9-3a3148a5d763", "/v2/actions/8fc32a11-4688-4057-9237-cd77fccd726f",
  "/v1/actions/bdb/1", "/v1/actions/bdb/2",
}
local reqs, i = {}, 0
counts = {}
function init(args)
  for k, p in ipairs(paths) do reqs[k] = wrk.format("GET", p) end
end
function request()
  i = i % #reqs + 1
  return reqs[i]
end
function response(status, headers, body)
  local key = status .. " -"
  if status >= 300 then key = status .. " " .. (string.match(body or "", '"error_code":"([^"]*)"') or "-") end
  counts[key] = (counts[key] or 0) + 1
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("soak-status %s %d\n", k, v)) end
  local e = summary.errors
  io.write(string.format("soak-errors %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
  io.write(string.format("soak-total %d %.3f %.3f %.3f\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA

# --- run -----------------------------------------------------------------------
start_server "$(free_port)"
for rule in '{"path":"/v1/actions/bdb/*","method":"GET","drop":true,"probability":0.02}' \
  '{"path":"/v1/actions/*","method":"GET","status":503,"probability":0.05}' \
  '{"path":"/v2/actions","method":"GET","delay_ms":20,"probability":0.05}'; do
  ctl 201 POST /emulator/v1/faults "$rule" || { cat "$work/errors" >&2; exit 1; }
done

fd_count() { local f=("/proc/$1/fd/"*); echo "${#f[@]}"; }
fds_before=$(fd_count "$emu_pid")

# sample T: appends "T rss_kib fds threads" to $work/samples; 1 when the server is gone
died=0
sample() {
  local st
  if ! alive "$emu_pid" || ! st=$(awk '/^VmRSS:/ {r = $2} /^Threads:/ {t = $2} END {print r, t}' "/proc/$emu_pid/status" 2>/dev/null); then
    died=1; return 1
  fi
  local rss=${st% *} thr=${st#* } fds
  fds=$(fd_count "$emu_pid")
  printf '%s %s %s %s\n' "$1" "$rss" "$fds" "$thr" >> "$work/samples"
  printf '  t=%4ss  RSS %6s KiB  fds %3s  threads %s\n' "$1" "$rss" "$fds" "$thr"
}

echo "soak: ${DURATION}s of load on $base (server pid $emu_pid), samples every ${SAMPLE}s, warm-up ${WARMUP}s"
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -H "$auth" -s "$work/mix.lua" "$base/v1/actions" > "$work/wrk.out" 2>&1 &
wrk_pid=$!; pids+=("$wrk_pid")
churn & churn_pid=$!; pids+=("$churn_pid")
poller & poller_pid=$!; pids+=("$poller_pid")

start_us=${EPOCHREALTIME/./}
sleep_until() {  # sleep_until OFFSET_SECONDS from the start
  local left=$((start_us + $1 * 1000000 - ${EPOCHREALTIME/./}))
  ((left > 0)) && sleep "$((left / 1000000)).$(printf '%06d' $((left % 1000000)))"
  return 0
}
for ((t = 0; t < DURATION; t += SAMPLE)); do
  sleep_until "$t"
  if ! sample "$t"; then
    echo "  t=${t}s: the server is gone; stopping the load"
    touch "$work/died" "$work/stop"
    kill -INT "$wrk_pid" 2>/dev/null || true  # wrk stops sending; it still reports at the end of -d
    break
  fi
done
((died)) || sleep_until "$DURATION"
wrk_rc=0; wait "$wrk_pid" || wrk_rc=$?
touch "$work/stop"
wait "$churn_pid" || true
wait "$poller_pid" || true

# Idle again: the fds the load opened must be closed (allow 5 s for the closes).
fds_after=
if ! ((died)) && alive "$emu_pid"; then
  for _ in $(seq 50); do
    fds_after=$(fd_count "$emu_pid")
    ((fds_after <= fds_before)) && break
    sleep 0.1
  done
  rss_idle=$(awk '/^VmRSS:/ {print $2}' "/proc/$emu_pid/status")
  hits=()
  if ctl 200 GET /emulator/v1/faults; then
    for id in 1 2 3; do
      [[ $body =~ \"hits\":([0-9]+),\"id\":${id}[,}] ]] && hits[id]=${BASH_REMATCH[1]}
    done
  fi
  # Shutdown and restart from the state file.
  kill -TERM "$emu_pid"
  for _ in $(seq 150); do alive "$emu_pid" || break; sleep 0.1; done
  if alive "$emu_pid"; then
    shutdown="did not exit within 15 s of SIGTERM"; shutdown_bad=1; kill -KILL "$emu_pid"; wait "$emu_pid" || true
  else
    rc=0; wait "$emu_pid" || rc=$?
    shutdown="SIGTERM exit $rc"; ((rc == 0)) || shutdown_bad=1
  fi
  state_bytes=$(stat -c %s "$state" 2>/dev/null || echo 0)
  if start_server "$(free_port)" && ctl 200 GET /emulator/v1/faults; then
    restored=$(grep -o '"id":' <<<"$body" | wc -l)
    restart="restart from the state file ($state_bytes bytes): $restored fault rules back"
    ((restored == 3)) || restart_bad=1
    stop_pid "$emu_pid"
  else
    restart="restart from the state file ($state_bytes bytes) failed"; restart_bad=1
  fi
else
  died=1
  rc=0; wait "$emu_pid" || rc=$?
  shutdown="the server died during the load (exit status $rc)"
  echo "server log, last lines:"; tail -n 20 "$work/server.log" | sed 's/^/  /'
fi

# --- summary -------------------------------------------------------------------
declare -A churn_c poll_c
while read -r k v; do churn_c[$k]=$v; done < <(cat "$work/churn.counts" 2>/dev/null)
while read -r k v; do poll_c[$k]=$v; done < <(cat "$work/poller.counts" 2>/dev/null)
ctl_calls=$((calls + ${churn_c[calls]:-0}))
ctl_fail=$((failures + ${churn_c[failures]:-0}))

read -r w_req w_dur w_p50 w_p99 < <(awk '/^soak-total/ {print $2, $3, $4, $5}' "$work/wrk.out")
read -r e_conn e_read e_write e_timeout < <(awk '/^soak-errors/ {print $2, $3, $4, $5}' "$work/wrk.out")
w_req=${w_req:-0} w_dur=${w_dur:-0} e_conn=${e_conn:-0} e_read=${e_read:-0} e_write=${e_write:-0} e_timeout=${e_timeout:-0}
w_2xx=$(awk '/^soak-status 2/ {s += $4} END {print s + 0}' "$work/wrk.out")
w_inj=$(awk '$1 == "soak-status" && $2 == 503 && $3 == "injected_fault" {s += $4} END {print s + 0}' "$work/wrk.out")
w_other=$(awk '$1 == "soak-status" && $2 !~ /^2/ && !($2 == 503 && $3 == "injected_fault") {s += $4; d = d " " $2 " " $3 " x" $4} END {print s + 0 d}' "$work/wrk.out")
drop_hits=${hits[1]:-0}
w_drops=$((e_read < drop_hits ? e_read : drop_hits))
w_sock_bad=$((e_read - w_drops + e_conn + e_write + e_timeout))
rate=$(awk -v r="$w_req" -v d="$w_dur" 'BEGIN {printf "%.0f", (d > 0 ? r / d : 0)}')
total_rate=$(awk -v r="$w_req" -v c="$ctl_calls" -v p="${poll_c[polls]:-0}" -v d="$w_dur" 'BEGIN {print (d > 0 ? (r + c + p) / d : 0)}')
journal_fill=$(awk -v n="$journal_size" -v r="$total_rate" 'BEGIN {printf "%.1f", (r > 0 ? n / r : 0)}')
log_errors=$(grep -cE '^[^ ]+ (error|critical) ' "$work/server.log" || true)
log_warns=$(grep -cE '^[^ ]+ warn(ing)? ' "$work/server.log" || true)

# RSS: first, after warm-up, max, last; least-squares slope from WARMUP on.
read -r r_first r_warm_t r_warm r_max r_last r_n r_slope r_span < <(awk -v w="$WARMUP" '
  NR == 1 { first = $2 }
  { if ($2 > max) max = $2; last = $2 }
  $1 >= w { if (!n) { wt = $1; wr = $2 } n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2; lt = $1 }
  END {
    slope = (n >= 2 && n * sxx != sx * sx) ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0
    printf "%s %s %s %s %s %d %.4f %s\n", first + 0, wt + 0, wr + 0, max + 0, last + 0, n, slope, lt - wt
  }' "$work/samples" 2>/dev/null || echo "0 0 0 0 0 0 0 0")
r_growth=$(awk -v s="$r_slope" -v t="$r_span" 'BEGIN {printf "%.0f", s * t}')
r_per_min=$(awk -v s="$r_slope" 'BEGIN {printf "%+.1f", s * 60}')
read -r f_first f_max f_last t_first t_max t_last < <(awk '
  NR == 1 { ff = $3; tf = $4 } { if ($3 > fm) fm = $3; if ($4 > tm) tm = $4; fl = $3; tl = $4 }
  END { print ff + 0, fm + 0, fl + 0, tf + 0, tm + 0, tl + 0 }' "$work/samples" 2>/dev/null || echo "0 0 0 0 0 0")

reasons=()
((died)) && reasons+=("the server died")
unexpected=$((${w_other%% *} + w_sock_bad + ctl_fail + ${poll_c[unexpected]:-0} + log_errors))
((unexpected > 0)) && reasons+=("$unexpected unexpected errors")
[ -n "${shutdown_bad:-}" ] && reasons+=("shutdown: $shutdown")
[ -n "${restart_bad:-}" ] && reasons+=("$restart")
[ -n "$fds_after" ] && ((fds_after > fds_before)) && reasons+=("fds: $fds_before before the load, $fds_after after")
if ((r_n >= 3)); then
  ((r_growth > MAX_GROWTH_KIB)) && reasons+=("RSS grew $r_growth KiB over the second half (limit $MAX_GROWTH_KIB)")
  rss_verdict="fitted growth ${r_growth} KiB over ${r_span} s (limit ${MAX_GROWTH_KIB} KiB)"
else
  rss_verdict="not judged: $r_n samples after warm-up, need 3"
fi

echo
echo "== soak summary: ${DURATION}s of load, samples every ${SAMPLE}s, warm-up ${WARMUP}s =="
echo "server: re-actions-emulator $("$bin" --version) (release), --threads 2 --clock real --no-https --state-file; machine $(nproc) cores"
printf 'wrk (-t1 -c%s, mixed GETs): %s requests in %s s = %s req/s; latency p50 %s ms, p99 %s ms (wrk exit %s)\n' \
  "$CONNECTIONS" "$w_req" "$w_dur" "$rate" "${w_p50:-?}" "${w_p99:-?}" "$wrk_rc"
printf '  2xx %s; non-2xx expected (injected 503) %s, unexpected %s\n' "$w_2xx" "$w_inj" "$w_other"
printf '  socket errors: read %s (expected: dropped by the drop rule, %s hits), connect %s, write %s, timeout %s; unexpected %s\n' \
  "$e_read" "$drop_hits" "$e_conn" "$e_write" "$e_timeout" "$w_sock_bad"
printf 'fault rule hits (server, all clients): drop %s, 503 %s, delay %s\n' "${hits[1]:-?}" "${hits[2]:-?}" "${hits[3]:-?}"
printf 'control API (with the churn loop'"'"'s reads as its users): %s calls, %s failures; actions created %s, patched %s, deleted %s; users added and removed %s; databases %s; injected faults retried %s\n' \
  "$ctl_calls" "$ctl_fail" "${churn_c[created]:-?}" "${churn_c[patched]:-?}" "${churn_c[deleted]:-?}" "${churn_c[users]:-?}" "${churn_c[dbs]:-?}" "$((retried + ${churn_c[retried]:-0}))"
printf 'poller: %s actions followed, %s polls, %s injected 503s retried; ended completed %s, failed %s (as planned); gone after the end %s (SMDeleteBDB), after retention unseen %s; deleted then 404 %s; unexpected %s\n' \
  "${poll_c[followed]:-?}" "${poll_c[polls]:-?}" "${poll_c[injected]:-?}" "${poll_c[completed]:-?}" "${poll_c[failed]:-?}" \
  "${poll_c[gone_end]:-?}" "${poll_c[gone_late]:-?}" "${poll_c[deleted404]:-?}" "${poll_c[unexpected]:-?}"
printf 'server log: %s error/critical lines, %s warnings\n' "$log_errors" "$log_warns"
warm_txt="(t=${r_warm_t}s) $r_warm"; ((r_n)) || warm_txt="-"
printf 'RSS KiB: first %s, after warm-up %s, max %s, last %s; idle after the load %s\n' \
  "$r_first" "$warm_txt" "$r_max" "$r_last" "${rss_idle:-?}"
printf 'RSS second half (%s samples): slope %s KiB/min, %s\n' "$r_n" "$r_per_min" "$rss_verdict"
printf 'journal: %s entries, full after about %s s at %.0f requests/s in all (warm-up %s s)\n' \
  "$journal_size" "$journal_fill" "$total_rate" "$WARMUP"
printf 'fds: idle before %s, first sample %s, max %s, last %s, idle after %s; threads first %s, max %s, last %s\n' \
  "$fds_before" "$f_first" "$f_max" "$f_last" "${fds_after:-?}" "$t_first" "$t_max" "$t_last"
printf 'shutdown: %s; %s\n' "${shutdown:-?}" "${restart:-not tried}"
if [ -s "$work/errors" ]; then
  n_err=$(wc -l < "$work/errors")
  if ((n_err > 20)); then echo "unexpected errors (the first 20 of $n_err):"; else echo "unexpected errors:"; fi
  head -n 20 "$work/errors" | sed 's/^/  /'
fi
if ((${#reasons[@]})); then
  printf 'result: FAIL: %s\n' "$(printf '%s; ' "${reasons[@]}" | sed 's/; $//')"
  exit 1
fi
echo "result: PASS"
