#!/usr/bin/env bash
# Format and static analysis, enforced (scripts/test.sh lint, and CI):
#   1. clang-format: every C++ file under src/ include/ tests/ fuzz/ must be
#      formatted as .clang-format says (a diff fails).
#   2. clang-tidy: every source under src/ and the headers under
#      include/reemu, with the curated .clang-tidy, over the compile commands
#      of the `lint` preset (configured, never built); any finding fails.
#      Checked file by file, most of the time went to the heavy headers
#      (Beast, Asio, json, ~3 s of CPU per file even with a precompiled
#      header: the checks walk every declaration), so the checks run over
#      unity sources instead: src/ split in two halves of about equal size
#      (build/lint/tidy/unity_{a,b}.cpp, one per core; the header filter adds
#      src/ to include/reemu, so a finding names the file it is in). A third
#      job compiles all of src/ as ONE unity source (clang -fsyntax-only), so
#      no two sources may define the same name, anonymous namespaces
#      included: the CI builds batch them (REEMU_UNITY_BUILD); two more do
#      the same for the unit and the integration tests' sources. The one check
#      that looks only at a translation unit's main file,
#      misc-unused-using-decls, cannot see into a unity source: an unused
#      `using a::b;` is found by a text check below instead. Whether each file
#      also compiles on its own (its #includes) is left to the dev preset,
#      which builds file by file. 174 s of CPU instead of 430 (2026-12-03).
#   3. Test names: one style, TEST(suite, lower_snake_case).
#   4. Layers: every #include "reemu/…" points down the list of layers
#      (docs/architecture.md, "File map"): model/ includes nothing above it;
#      no handler names drop_invisible or cluster_state_id; a call that can
#      fail returns result<T>, never optional<failure> or a failure& out-parameter.
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
      # The unity sources and their compile commands
      # ($out/compile_commands.json): the src files that share one command
      # (all of them today); a file with other flags goes to $out/alone and
      # is checked by itself.
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
def unity(name, sources):
    path = os.path.abspath(os.path.join(out, name))
    with open(path, "w") as u:
        u.write("// src files that share one compile command (scripts/lint.sh).\n")
        u.writelines('#include "%s"  // NOLINT(bugprone-suspicious-include)\n' % f for f in sources)
    return path
# Two halves of about equal size, largest files first (greedy), each in
# the order of the full list.
halves, sizes = ([], []), [0, 0]
for f in sorted(members, key=os.path.getsize, reverse=True):
    i = sizes.index(min(sizes))
    halves[i].append(f)
    sizes[i] += os.path.getsize(f)
entries = [{"directory": directory, "file": p, "arguments": list(command) + ["-c", p]}
           for p in (unity("unity_a.cpp", [f for f in members if f in halves[0]]),
                     unity("unity_b.cpp", [f for f in members if f in halves[1]]))]
with open(os.path.join(out, "compile_commands.json"), "w") as c:
    json.dump(entries, c, indent=1)
def syntax(script, directory, command, sources):
    whole = unity(script + ".cpp", sources)
    with open(os.path.join(out, script + ".sh"), "w") as s:
        s.write("cd %s && exec %s -Werror -fsyntax-only %s\n" % (
            shlex.quote(directory), " ".join(map(shlex.quote, command)), shlex.quote(whole)))
syntax("unity", directory, command, members)
# The test executables the CI builds batched too (tests/CMakeLists.txt):
# each one's sources, in build order, as one more unity source.
for target in ("reemu_unit_tests", "reemu_integration_tests"):
    sources = [e["file"] for e in db.values() if "/%s.dir/" % target in e.get("command", " ".join(e.get("arguments", [])))]
    if not sources:
        sys.exit("lint: no compile commands for " + target)
    d, c = flags(db[sources[0]])
    syntax("unity_" + target, d, c, sources)
with open(os.path.join(out, "alone"), "w") as a:
    a.writelines(f + "\n" for f in files if f not in members)
PY
      # One job per core, longest first: the two halves (then any file
      # alone) with every check, and the whole unity compiled.
      root=$(sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$PWD")
      {
        printf '%s\0' all "$PWD/$out/unity_a.cpp" "$out" all "$PWD/$out/unity_b.cpp" "$out"
        for t in unity unity_reemu_unit_tests unity_reemu_integration_tests; do
          printf '%s\0' syntax "$PWD/$out/$t.cpp" "$out"
        done
        while read -r f; do printf '%s\0' all "$f" build/lint; done < "$out/alone"
      } | out=$out filter="include/reemu/|^$root/src/" xargs -0 -n 3 -P "$(nproc)" bash -c '
        log=$out/logs/${2//\//_}.$1
        if [ "$1" = syntax ]; then bash "${2%.cpp}.sh" >"$log.log" 2>&1 || mv "$log.log" "$log.failed"
        else clang-tidy-14 --quiet -p "$3" --header-filter="$filter" "$2" >"$log.log" 2>&1 ||
          mv "$log.log" "$log.failed"; fi' _ || true
      failed=("$out"/logs/*.failed)
      if [ -e "${failed[0]}" ]; then
        for log in "${failed[@]}"; do grep -E "error:|warning:" -A3 "$log" >&2 || cat "$log" >&2; done
        if compgen -G "$out/logs/*unity*.cpp.syntax.failed" >/dev/null; then
          echo "lint: src/, or a test executable's sources, do not compile as one unity" \
               "source ($out/unity*.cpp): if each file builds alone (dev preset), two of" \
               "them define one name (anonymous namespaces too) or one shadows another's;" \
               "rename one" >&2
        fi
        exit 1
      fi
      jobs=$(( 5 + $(wc -l < "$out/alone") ))
      logs=("$out"/logs/*.log)
      [ "${#logs[@]}" -eq "$jobs" ] || { echo "lint: $jobs tidy jobs, ${#logs[@]} logs in $out/logs" >&2; exit 1; }
      # misc-unused-using-decls by text: a `using a::b;` whose `b` the file
      # never names again.
      python3 - $(git ls-files 'src/*.cpp' 'tests/*.cpp' 'fuzz/*.cpp') <<'PY'
import re, sys
bad = 0
for path in sys.argv[1:]:
    text = open(path).read()
    for m in re.finditer(r"^[ \t]*using (?:[A-Za-z_][A-Za-z0-9_]*::)+([A-Za-z_][A-Za-z0-9_]*);", text, re.M):
        if len(re.findall(r"\b%s\b" % re.escape(m[1]), text)) < 2:
            line = text.count("\n", 0, m.start()) + 1
            print(f"{path}:{line}: unused using-declaration of '{m[1]}'", file=sys.stderr)
            bad += 1
sys.exit(1 if bad else 0)
PY
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
      # One fallible shape (model/errors.hpp): result<T>, never an optional
      # failure or a failure filled through a parameter.
      if grep -nE 'optional<failure>|([(,]|^)[[:space:]]*failure&|^[[:space:]]*failure [a-z]+;' \
           $(git ls-files 'src/*.cpp' 'src/*.hpp' 'include/*.hpp'); then
        echo "lint: a call that can fail returns result<T> (model/errors.hpp), not" \
             "optional<failure> or a failure& out-parameter (above)" >&2; exit 1
      fi
      echo "lint: layers ok" >&2 ;;
    *) echo "lint.sh: unknown step $step (format tidy names layers)" >&2; exit 2 ;;
  esac
done
