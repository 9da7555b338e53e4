#!/usr/bin/env bash
# Installs what is missing, then configures, builds and runs every test:
# the dev preset (Debug) and the asan preset (address + undefined sanitizers).
# Usage: scripts/test.sh [preset...]     (default: dev asan)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(dev asan)
for preset in "${presets[@]}"; do
  echo "== preset $preset: configure, build, test" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" -j 2
done
