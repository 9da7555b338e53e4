#!/usr/bin/env bash
# Creates a database-creation state machine on the emulator and polls it
# until it completes, verifying the emulator's certificate with the PEM it wrote.
set -euo pipefail
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends curl jq ca-certificates >/dev/null
# The certificate names the emulator's host name; pin it with --cacert.
uid=$(curl -sS --cacert "$CACERT" -u "$USER_PASS" -X POST "$EMULATOR/emulator/v1/actions" \
  -H 'Content-Type: application/json' \
  -d '{"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:2","simulate":{"step_seconds":0.5}}' |
  jq -r .action_uid)
echo "created $uid"
while :; do
  body=$(curl -sS --cacert "$CACERT" -u "$USER_PASS" "$EMULATOR/v1/actions/$uid")
  status=$(jq -r .status <<<"$body")
  echo "$(jq -c '{status, state, progress}' <<<"$body")"
  case "$status" in
    completed) exit 0 ;;
    failed) exit 1 ;;
  esac
  sleep 0.5
done
