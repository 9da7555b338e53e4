#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test. Steps:
#   lint    clang-format and clang-tidy as errors, one test-name style
#           (scripts/lint.sh)
#   dev     Debug build (GCC): unit, integration and command-line tests (ctest)
#   asan    clang build under AddressSanitizer + UndefinedBehaviorSanitizer:
#           the same tests, and the libFuzzer targets built in the same tree
#   fuzz    the fuzzers' regression inputs, then FUZZ_SECONDS (default 30)
#           of fuzzing per target, two targets at a time (builds the asan
#           tree's fuzzers if the asan step has not)
#   ui      the dashboard in headless Chromium and the metrics through a real
#           Prometheus parser (tests/ui/run.sh), against the binary the asan
#           step built; installs its packages first (install-deps.sh --ui)
#   kits    the Python kit's tests (clients/python, pytest), the Go kit's
#           tests (clients/go, offline) and the CI recipes' checks
#           (tests/examples), against the binary the asan step built
#           (tests/kits/run.sh); installs python3-pytest and golang-go first
#           (install-deps.sh --kits)
#   tsan    the concurrency tests (reemu_concurrency_tests: threads hammering
#           one app, and the real server under concurrent clients) under
#           ThreadSanitizer (clang)
#   docker  the Dockerfile's steps on this host (a GCC release build), and
#           docker-compose.yml parsed
#   release Release build (GCC) with its tests, not in the default
# Usage: scripts/test.sh [step...]      (default: lint asan fuzz ui kits tsan docker)
#
# The default runs every test once, under the sanitizers, and keeps CI under
# 20 minutes on 2 cores; `dev` is the quick local loop. Measured on a fresh
# clone, 2 cores, 2026-12-04 (before the core's unity batches of 16 and lld):
# lint 107 s, asan 640 s (build 410, tests 227), fuzz 68, ui 58, kits 31,
# tsan 176, docker 303; 1 384 s in all. The builds are most of it. After:
# lint 104, asan 495 (build 285, tests 205), fuzz 68, ui 57, kits 30,
# tsan 86, docker 231; 1 071 s in all. The sanitizer builds
# use clang at -O0 -g1: on the Beast-heavy sources clang compiles the core
# library under ASan + UBSan in 120 s where GCC took 279 s (2 cores, same
# machine, one after the other), and one asan tree serves both the tests and
# the fuzzers. Line numbers in reports; no optimiser, which under the
# sanitizers cost several times the compile time for tests that run in
# seconds either way. GCC still builds the product in the docker step.
# The asan and tsan presets and the Dockerfile compile the core library as a
# unity build (REEMU_UNITY_BUILD, see CMakeLists.txt): 73 s instead of 120 s
# for the asan core; the lint step still compiles every file on its own (and
# runs clang-tidy's checks once over all of src/ as one unity source).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --lint --clang

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(lint asan fuzz ui kits tsan docker)
for step in "${steps[@]}"; do
  start=$SECONDS
  echo "== $step" >&2
  case "$step" in
    dev|asan|tsan|release)
      cmake --preset "$step" >/dev/null
      cmake --build --preset "$step"
      ctest --preset "$step" -j 2 ;;
    lint) scripts/lint.sh ;;
    ui)
      scripts/install-deps.sh --ui
      tests/ui/run.sh ;;
    kits)
      scripts/install-deps.sh --kits
      tests/kits/run.sh ;;
    docker) tests/docker/check.sh ;;
    fuzz) scripts/fuzz.sh "${FUZZ_SECONDS:-30}" ;;
    *) echo "test.sh: unknown step $step (lint dev asan ui kits tsan release docker fuzz)" >&2; exit 2 ;;
  esac
  echo "== $step: passed in $((SECONDS - start)) s" >&2
done
