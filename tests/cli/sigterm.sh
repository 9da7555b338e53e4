#!/usr/bin/env bash
# The binary end to end: starts on ephemeral ports, answers (also to its own
# --health-check), and exits 0 promptly on SIGTERM and SIGINT with an idle
# keep-alive connection open.
# Usage: sigterm.sh BINARY CONFIG
set -euo pipefail
bin=$1 config=$2
. "$(dirname "$0")/lib.sh"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for sig in TERM INT; do
  start_server "$log" --config "$config" --bind 127.0.0.1 --http-port 0 --https-port 0 --log-level info
  # The built-in container probe sees it healthy.
  "$bin" --config "$config" --bind 127.0.0.1 --http-port "$port" --health-check >/dev/null
  exec 3<>"/dev/tcp/127.0.0.1/$port"  # an idle keep-alive client the stop must not wait on
  printf 'GET /emulator/v1/health HTTP/1.1\r\nHost: x\r\n\r\n' >&3
  read -r status <&3
  [[ "$status" == *" 200 "* ]] || { echo "health answered: $status"; exit 1; }
  kill -"$sig" "$pid"
  start=$SECONDS
  code=0
  wait "$pid" || code=$?
  exec 3<&-
  [ "$code" -eq 0 ] || { echo "SIG$sig: exit code $code"; cat "$log"; exit 1; }
  (( SECONDS - start <= 3 )) || { echo "SIG$sig: took $((SECONDS - start)) s"; exit 1; }
  grep -q "stopped" "$log" || { echo "SIG$sig: no 'stopped' line"; cat "$log"; exit 1; }
  echo "SIG$sig: exit 0 after $((SECONDS - start)) s"
  # And unhealthy once it is gone.
  if "$bin" --config "$config" --bind 127.0.0.1 --http-port "$port" --health-check >/dev/null; then
    echo "health check passed against a stopped server"; exit 1
  fi
done
