#!/usr/bin/env bash
# --ports-file and the stop: a harness sends SIGTERM as soon as the file
# appears. Twenty times in a row, the server exits 0 and takes the file
# away (it once got SIGTERM's default action when the signal came before
# its handler: exit 143, the file left behind).
# Usage: ports_file_sigterm.sh BINARY CONFIG
set -euo pipefail
bin=$1 config=$2
. "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for i in $(seq 1 20); do
  file=$dir/ports.json
  "$bin" --config "$config" --bind 127.0.0.1 --http-port 0 --https-port 0 --ports-file "$file" \
    --log-level warn 2>"$dir/log" &
  pid=$!
  wait_ports_file "$file" "$pid" "$dir/log" "run $i"
  kill -TERM "$pid"
  code=0
  wait "$pid" || code=$?
  [ "$code" -eq 0 ] || { echo "run $i: exit code $code after SIGTERM"; cat "$dir/log"; exit 1; }
  [ ! -e "$file" ] || { echo "run $i: the ports file outlived a clean exit"; exit 1; }
done
echo "20 runs: SIGTERM right after the ports file appeared, exit 0, file removed"
