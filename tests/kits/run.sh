#!/usr/bin/env bash
# The kits step of scripts/test.sh: the Python kit's tests (clients/python,
# Debian's python3-pytest), the Go kit's tests (clients/go, Debian's golang,
# offline) and the CI recipes' checks (tests/examples), against the emulator
# binary. Like tests/ui/run.sh it takes the binary the asan step built
# (build/asan; ninja only checks it is up to date), else builds the dev
# preset's binary alone. Prints the time each part took.
# Usage: tests/kits/run.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

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
REEMU_BIN=$(realpath "$bin")
export REEMU_BIN
echo "kits: testing $REEMU_BIN" >&2
# An ASan build reports leaks and errors by failing: the kits fail a test
# (or the session) when the emulator exits non-zero.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset REEMU_CONFIG   # the kits find config/default.json next to the build tree
out=$repo/build/kits
mkdir -p "$out"

timed() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "== kits: $name passed in $((SECONDS - start)) s" >&2
}

# Debian's interpreter: python3-pytest and python3-yaml live there.
export PYTHONDONTWRITEBYTECODE=1
timed "CI recipes" /usr/bin/python3 -m pytest -p no:cacheprovider -q tests/examples
timed "Python kit" env PYTHONPATH="$repo/clients/python" \
  /usr/bin/python3 -m pytest -p no:cacheprovider -p reemu.pytest_plugin -q clients/python/tests

unformatted=$(cd clients/go && gofmt -l .)
[ -z "$unformatted" ] || { echo "kits: gofmt would change: $unformatted" >&2; exit 1; }
# Offline: the module has no dependencies; the build cache stays in build/.
timed "Go kit" env -C clients/go GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local \
  GOCACHE="$out/gocache" GOPATH="$out/gopath" go test -count=1 ./...
