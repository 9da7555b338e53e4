#!/usr/bin/env bash
# Builds the libFuzzer targets (the asan preset: clang, ASan + UBSan) and
# runs each one: first its regression inputs (fuzz/regressions/<target>/,
# each run once), then SECONDS of fuzzing from a copy of its seed corpus
# (fuzz/corpus/<target>/) in a temporary directory, so new inputs never land
# in the repository. Crashers go to fuzz/artifacts/ (gitignored).
#
# Targets run FUZZ_JOBS at a time (default: the number of cores); each is
# single-threaded.
#
# Usage: scripts/fuzz.sh [SECONDS]   (default 60 per target)
# Exit status: 0 when every target passed, 1 when any crashed, leaked, hung
# or broke an invariant (the crasher's path is printed), 2 on bad usage.
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
targets=(fuzz_http_request fuzz_basic_auth fuzz_config fuzz_control_api)
started=$(date +%s)

scripts/install-deps.sh --clang
cmake --preset asan >/dev/null
cmake --build --preset fuzz

work="$(mktemp -d "${TMPDIR:-/tmp}/reemu-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
artifacts="$root/fuzz/artifacts"
mkdir -p "$artifacts"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
common=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

# Prints where a failed run left its input (libFuzzer's artifact, or the
# regression file it was running), the sanitizer's headline, and keeps the
# whole log next to the artifacts.
report_crasher() {
  local target="$1" log="$2" written running
  written="$(grep -o 'Test unit written to .*' "$log" | tail -n 1 | sed 's/^Test unit written to //' || true)"
  running="$(grep -o '^Running: .*' "$log" | tail -n 1 | sed 's/^Running: //' || true)"
  if [ -n "$running" ]; then echo "fuzz:   input: $running"; fi
  if [ -n "$written" ]; then echo "fuzz:   crasher: $written"; fi
  grep -E 'runtime error|ERROR: |fuzz invariant|SUMMARY: ' "$log" | head -n 6 | cut -c1-300 |
    sed 's/^/fuzz:   | /' || true
  cp "$log" "$artifacts/$target.log"
  echo "fuzz:   full log: $artifacts/$target.log"
}

# Runs one target (regressions, then fuzzing); prints its summary lines.
# Exit status 0 when it passed.
run_target() {
  local target=$1 bin="$root/build/asan/fuzz/$1" log="$work/$1.log" f corpus
  local options=("${common[@]}" "-artifact_prefix=$artifacts/$target-")
  [ "$target" = fuzz_http_request ] && options+=("-dict=$root/fuzz/http.dict")
  # fuzz_control_api keeps state between inputs, so most inputs allocate more
  # than they free and libFuzzer would run a full leak scan after each (100x
  # slower). Leaks are still checked when it exits, and per input by
  # fuzz_http_request, which reaches the same handlers from a fresh state.
  [ "$target" = fuzz_control_api ] && options+=(-detect_leaks=0)

  # Regressions: every file once, before any fuzzing.
  local regressions=()
  if [ -d "fuzz/regressions/$target" ]; then
    while IFS= read -r -d '' f; do regressions+=("$f"); done \
      < <(find "fuzz/regressions/$target" -type f -print0 | sort -z)
  fi
  if [ ${#regressions[@]} -gt 0 ]; then
    if ! "$bin" "${options[@]}" "${regressions[@]}" >"$log.regress" 2>&1; then
      echo "fuzz: $target FAILED on a regression input"
      report_crasher "$target" "$log.regress"
      return 1
    fi
  fi

  corpus="$work/corpus-$target"
  mkdir -p "$corpus"
  cp fuzz/corpus/"$target"/* "$corpus"/
  [ ${#regressions[@]} -gt 0 ] && cp "${regressions[@]}" "$corpus"/
  if "$bin" "${options[@]}" -max_total_time="$seconds" "$corpus" >"$log" 2>&1; then
    local execs done_line cov ft corp
    execs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)"
    done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)"
    cov="$(grep -o 'cov: [0-9]*' <<<"$done_line" | grep -o '[0-9]*' || true)"
    ft="$(grep -o 'ft: [0-9]*' <<<"$done_line" | grep -o '[0-9]*' || true)"
    corp="$(grep -o 'corp: [0-9]*/[0-9A-Za-z]*' <<<"$done_line" | sed 's/corp: //' || true)"
    printf 'fuzz: %-18s passed: %s execs in %ss, cov %s, ft %s, corpus %s, %d regression(s)\n' \
      "$target" "${execs:-?}" "$seconds" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${#regressions[@]}"
  else
    echo "fuzz: $target FAILED"
    report_crasher "$target" "$log"
    return 1
  fi
}

jobs_max="${FUZZ_JOBS:-$(nproc)}"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  { rc=0; run_target "$target" >"$work/$target.result" 2>&1 || rc=$?; echo "$rc" >"$work/$target.rc"; } &
done
wait
passed=0
failed=0
for target in "${targets[@]}"; do
  cat "$work/$target.result"
  if [ "$(cat "$work/$target.rc")" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

echo "fuzz: $(( $(date +%s) - started ))s end to end"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
