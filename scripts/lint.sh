#!/usr/bin/env bash
# Format and static analysis, enforced (scripts/test.sh lint, and CI):
#   1. clang-format: every C++ file under src/ include/ tests/ fuzz/ must be
#      formatted as .clang-format says (a diff fails).
#   2. clang-tidy: every source of the core library (src/), with the curated
#      .clang-tidy, over the compile commands of the `lint` preset (configured,
#      never built); any finding fails.
#   3. Test names: one style, TEST(suite, lower_snake_case).
# Usage: scripts/lint.sh [format|tidy|names]...   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(format tidy names)
mapfile -t cxx < <(git ls-files 'src/*.cpp' 'include/*.hpp' 'tests/*.cpp' 'tests/*.hpp' \
  'fuzz/*.cpp' 'fuzz/*.hpp')

for step in "${steps[@]}"; do
  case "$step" in
    format)
      clang-format --dry-run --Werror "${cxx[@]}"
      echo "lint: format ok (${#cxx[@]} files)" >&2 ;;
    tidy)
      cmake --preset lint >/dev/null
      mapfile -t core < <(git ls-files 'src/*.cpp')
      # run-clang-tidy runs one clang-tidy per core and exits non-zero on a
      # finding (.clang-tidy makes every enabled check an error).
      run-clang-tidy-14 -quiet -p build/lint -j "$(nproc)" "${core[@]/#/$PWD/}" \
        > build/lint/tidy.log 2>&1 || { grep -E "error:|warning:" -A3 build/lint/tidy.log >&2 || cat build/lint/tidy.log >&2; exit 1; }
      echo "lint: tidy ok (${#core[@]} files)" >&2 ;;
    names)
      if grep -nE '^TEST(_F|_P)?\([A-Za-z0-9_]*[A-Z]|^TEST(_F|_P)?\([A-Za-z0-9_]+, *[A-Za-z0-9_]*[A-Z]' $(git ls-files 'tests/*.cpp'); then
        echo "lint: test names must be lower_snake_case (above)" >&2; exit 1
      fi
      echo "lint: test names ok" >&2 ;;
    *) echo "lint.sh: unknown step $step (format tidy names)" >&2; exit 2 ;;
  esac
done
