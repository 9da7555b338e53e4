#!/usr/bin/env bash
# The ui step of scripts/test.sh: tests/ui/dashboard_test.py (the dashboard
# in headless Chromium, the metrics through prometheus_client's parser)
# against the emulator binary. It does not build the project a second time:
# it takes the binary the asan step built (build/asan; ninja only checks it
# is up to date), else builds the dev preset's binary alone. Screenshots,
# the metrics text and the measurements go to build/ui/.
# Usage: tests/ui/run.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${1:-}
if [ -z "$bin" ]; then
  if [ -x build/asan/re-actions-emulator ]; then
    cmake --build --preset asan --target re-actions-emulator >/dev/null
    bin=build/asan/re-actions-emulator
  else
    cmake --preset dev >/dev/null
    cmake --build --preset dev --target re-actions-emulator >/dev/null
    bin=build/dev/re-actions-emulator
  fi
fi
echo "ui: testing $bin" >&2
# An ASan build reports leaks and errors by failing; the test checks the exit status.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Debian's interpreter: python3-selenium and python3-prometheus-client live there.
exec /usr/bin/python3 tests/ui/dashboard_test.py --binary "$bin" --out build/ui --source .
