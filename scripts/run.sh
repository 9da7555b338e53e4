#!/usr/bin/env bash
# Installs what is missing, builds the release binary and runs it on the
# default config (HTTP 8080, HTTPS 9443). Extra arguments go to the server:
#   scripts/run.sh --clock manual --log-level debug
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target re-actions-emulator
exec build/release/re-actions-emulator --config config/default.json "$@"
