#!/usr/bin/env bash
# --state-file past `ulimit -f`: the first save over the limit used to kill
# the server with SIGXFSZ. Now it fails like a full disk: the write answers
# 500 (the change was made but not saved), the server goes on serving, and a
# restart without the limit finds every write that answered 201.
# Usage: state_file_size_limit.sh BINARY CONFIG
set -euo pipefail
real_bin=$1
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

# The limit: the seed's document and about 12 KiB more (a few database
# records), in bash's 512-byte blocks. start_server runs "$bin".
bin=$real_bin
start_server "$work/size.log" "${args[@]}"
kill -TERM "$pid"; wait "$pid"; pid=""
blocks=$(( $(stat -c %s "$state") / 512 + 24 ))
rm -f "$state"
cat > "$work/limited.sh" <<SH
#!/usr/bin/env bash
ulimit -f $blocks
exec "$real_bin" "\$@"
SH
chmod +x "$work/limited.sh"
bin=$work/limited.sh
start_server "$work/limited.log" "${args[@]}"

acked=()
refused=0
for uid in $(seq 100 160); do
  code=$(curl -s -o "$work/body" -w '%{http_code}' -u "$auth" -X POST \
    -H 'Content-Type: application/json' "http://127.0.0.1:$port/v1/bdbs" \
    -d "{\"uid\":$uid,\"name\":\"db$uid\",\"memory_size\":104857600}") || code=000
  case "$code" in
    200|201) acked+=("$uid") ;;
    500) grep -q "not saved" "$work/body" || { echo "500 without the reason:"; cat "$work/body"; exit 1; }
         refused=$((refused + 1)) ;;
    *) echo "write $uid answered $code"; cat "$work/body"; cat "$work/limited.log"; exit 1 ;;
  esac
  [ "$refused" -ge 3 ] && break
done
kill -0 "$pid" 2>/dev/null || { echo "the server died at the file size limit"; cat "$work/limited.log"; exit 1; }
[ "$refused" -ge 3 ] || { echo "no write reached the file size limit"; exit 1; }
[ "${#acked[@]}" -ge 1 ] || { echo "no write succeeded under the limit"; exit 1; }
curl -sf "http://127.0.0.1:$port/emulator/v1/health" >/dev/null || { echo "health failed"; exit 1; }
kill -TERM "$pid"; wait "$pid" || true
pid=""

bin=$real_bin
start_server "$work/after.log" "${args[@]}"
list=$(curl -sf -u "$auth" "http://127.0.0.1:$port/v1/bdbs")
for uid in "${acked[@]}"; do
  grep -q "\"uid\":$uid[,}]" <<<"$list" || { echo "acknowledged database $uid lost"; exit 1; }
done
kill -TERM "$pid"; wait "$pid"
pid=""
echo "${#acked[@]} writes acknowledged under the file size limit, $refused answered 500, none lost; the server kept serving"
