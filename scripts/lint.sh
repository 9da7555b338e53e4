#!/usr/bin/env bash
# Format and static analysis, enforced (scripts/test.sh lint, and CI):
#   1. clang-format: every C++ file under src/ include/ tests/ fuzz/ must be
#      formatted as .clang-format says (a diff fails).
#   2. clang-tidy: every source under src/ and the headers under
#      include/reemu, with the curated .clang-tidy, over the compile commands
#      of the `lint` preset (configured, never built); any finding fails.
#      Checked file by file, most of the time went to the heavy headers
#      (Beast, Asio, json): the checks walk their code too, once per file,
#      then drop what they find there. So every check runs once over a unity
#      source that includes all of src/ (build/lint/tidy/unity.cpp; the
#      header filter adds src/ to include/reemu, so a finding names the file
#      it is in), and each file is still compiled on its own with the one
#      check that looks only at a translation unit's main file
#      (misc-unused-using-decls): a missing #include fails there. So src/
#      must also compile as one unity source (no name defined in the
#      anonymous namespaces of two files). Same findings as file by file, in
#      about 300 s of CPU instead of 660-750 (2 cores, other builds running).
#   3. Test names: one style, TEST(suite, lower_snake_case).
#   4. Layers: every #include "reemu/…" points down the list of layers
#      (docs/architecture.md, "File map"): model/ includes nothing above it;
#      no handler names drop_invisible or cluster_state_id.
# Usage: scripts/lint.sh [format|tidy|names|layers]...   (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(format tidy names layers)
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
      out=build/lint/tidy
      rm -rf "$out" && mkdir -p "$out/logs"
      # The unity source and its compile command ($out/compile_commands.json):
      # the src files that share one command (all of them today); a file with
      # other flags goes to $out/alone and is checked by itself.
      python3 - "$out" "${core[@]/#/$PWD/}" <<'PY'
import collections, json, os, shlex, sys
out, files = sys.argv[1], sys.argv[2:]
db = {e["file"]: e for e in json.load(open("build/lint/compile_commands.json"))}
missing = [f for f in files if f not in db]
if missing:
    sys.exit("lint: not in the lint preset's compile commands: " + " ".join(missing))
def flags(e):  # the command without its output and its source
    args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
    kept = []
    for a in args:
        if kept and kept[-1] == "-o":
            kept.pop()
        elif a not in ("-c", e["file"]):
            kept.append(a)
    return e["directory"], tuple(kept)
groups = collections.defaultdict(list)
for f in files:
    groups[flags(db[f])].append(f)
(directory, command), members = max(groups.items(), key=lambda g: len(g[1]))
unity = os.path.abspath(os.path.join(out, "unity.cpp"))
with open(unity, "w") as u:
    u.write("// Every src file that shares one compile command (scripts/lint.sh).\n")
    u.writelines('#include "%s"  // NOLINT(bugprone-suspicious-include)\n' % f for f in members)
with open(os.path.join(out, "compile_commands.json"), "w") as c:
    json.dump([{"directory": directory, "file": unity,
                "arguments": list(command) + ["-c", unity]}], c, indent=1)
with open(os.path.join(out, "alone"), "w") as a:
    a.writelines(f + "\n" for f in files if f not in members)
PY
      # One job per core, longest first: the unity source (then any file
      # alone) with every check, then each file with the main-file check.
      # A job that fails leaves its log as *.failed.
      root=$(sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$PWD")
      {
        printf '%s\0' all "$PWD/$out/unity.cpp" "$out"
        while read -r f; do printf '%s\0' all "$f" build/lint; done < "$out/alone"
        for f in "${core[@]}"; do printf '%s\0' own "$PWD/$f" build/lint; done
      } | out=$out filter="include/reemu/|^$root/src/" xargs -0 -n 3 -P "$(nproc)" bash -c '
        log=$out/logs/${2//\//_}.$1
        if [ "$1" = all ]; then check=(--header-filter="$filter")
        else check=("--checks=-*,misc-unused-using-decls"); fi
        clang-tidy-14 --quiet -p "$3" "${check[@]}" "$2" >"$log.log" 2>&1 ||
          mv "$log.log" "$log.failed"' _ || true
      failed=("$out"/logs/*.failed)
      if [ -e "${failed[0]}" ]; then
        for log in "${failed[@]}"; do grep -E "error:|warning:" -A3 "$log" >&2 || cat "$log" >&2; done
        if grep -qs clang-diagnostic-error "$out"/logs/*.all.failed &&
           ! grep -qs clang-diagnostic-error "$out"/logs/*.own.failed; then
          echo "lint: src files that compile alone but not together in $out/unity.cpp:" \
               "a name defined in two of them (anonymous namespaces too); rename one" >&2
        fi
        exit 1
      fi
      jobs=$(( 1 + $(wc -l < "$out/alone") + ${#core[@]} ))
      logs=("$out"/logs/*.log)
      [ "${#logs[@]}" -eq "$jobs" ] || { echo "lint: $jobs tidy jobs, ${#logs[@]} logs in $out/logs" >&2; exit 1; }
      echo "lint: tidy ok (${#core[@]} files)" >&2 ;;
    names)
      if grep -nE '^TEST(_F|_P)?\([A-Za-z0-9_]*[A-Z]|^TEST(_F|_P)?\([A-Za-z0-9_]+, *[A-Za-z0-9_]*[A-Z]' $(git ls-files 'tests/*.cpp'); then
        echo "lint: test names must be lower_snake_case (above)" >&2; exit 1
      fi
      echo "lint: test names ok" >&2 ;;
    layers)
      python3 - $(git ls-files 'src/*.cpp' 'include/*.hpp') <<'PY'
import re, sys
order = ["net", "app", "api control", "persist", "config", "http", "auth", "state", "model", "util"]
rank = {name: i for i, names in enumerate(order) for name in names.split()}
bad = 0
for path in sys.argv[1:]:
    layer = re.match(r"(?:src|include/reemu)/([a-z_]+)/", path)
    if not layer:
        continue
    for n, line in enumerate(open(path), 1):
        used = re.match(r'#include "reemu/([a-z_]+)/', line)
        if used and rank.get(used[1], -1) < rank.get(layer[1], len(order)):
            print(f"{path}:{n}: {layer[1]}/ includes {used[1]}/, a layer above it", file=sys.stderr)
            bad += 1
sys.exit(1 if bad else 0)
PY
      # registry::update keeps these for every write (state/registry.hpp).
      if grep -nE 'drop_invisible|cluster_state_id' $(git ls-files 'src/api/*' 'src/control/*'); then
        echo "lint: handlers never drop invisible entries or count cluster_state_id:" \
             "registry::update does (above)" >&2; exit 1
      fi
      echo "lint: layers ok" >&2 ;;
    *) echo "lint.sh: unknown step $step (format tidy names layers)" >&2; exit 2 ;;
  esac
done
