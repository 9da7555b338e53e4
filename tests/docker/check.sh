#!/usr/bin/env bash
# Runs the Dockerfile's steps on this host, in order, without a Docker engine,
# so the image recipe cannot rot unnoticed:
#   build stage: its COPY and RUN steps in a clean copy of the repository;
#   run stage:   its packages must exist, the built binary starts with the
#                image's ENV and ENTRYPOINT, turns healthy by the image's
#                HEALTHCHECK command, and exits 0 on the image's STOPSIGNAL.
# Also parses docker-compose.yml with a YAML parser and checks its wiring.
# Usage: tests/docker/check.sh        (needs root for apt-get, like CI)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/reemu-docker.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Joins continuation lines; prints "INSTRUCTION args" per line.
instructions() {
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$repo/Dockerfile" | grep -Ev '^\s*(#|$)'
}

stage=0
declare -A stage_dir env
workdir=""
runtime_packages=()
entrypoint="" healthcheck="" stopsignal=""
while read -r op args; do
  case "$op" in
    FROM)
      stage=$((stage + 1))
      stage_dir[$stage]="$work/stage$stage"
      mkdir -p "${stage_dir[$stage]}"
      alias=$(sed -n 's/.* AS \(.*\)/\1/Ip' <<<"$args")
      [ -n "$alias" ] && stage_dir[$alias]="${stage_dir[$stage]}"
      workdir="${stage_dir[$stage]}"
      echo "== stage $stage ($args)" ;;
    WORKDIR) workdir="${stage_dir[$stage]}$args"; mkdir -p "$workdir" ;;
    ENV) key=${args%%=*}; env[$key]=${args#*=} ;;
    COPY)
      read -r -a parts <<<"$args"
      if [[ "${parts[0]}" == --from=* ]]; then
        from=${parts[0]#--from=}
        src="${stage_dir[$from]}/${parts[1]#/}"   # absolute in that stage's root
        dst="${stage_dir[$stage]}${parts[2]}"
      else
        src="$repo/${parts[0]}"
        dst=${parts[1]}
        [[ "$dst" == /* ]] && dst="${stage_dir[$stage]}$dst" || dst="$workdir/$dst"
      fi
      if [ "${parts[0]}" = "." ]; then
        # The build context minus .dockerignore'd paths: what git tracks.
        (cd "$repo" && git ls-files -z | xargs -0 cp --parents -t "$dst")
      else
        mkdir -p "$(dirname "$dst")"
        cp -r "$src" "$dst"
      fi ;;
    RUN)
      if [ "$stage" -eq 1 ]; then
        echo "-- RUN $args"
        (cd "$workdir" && bash -euo pipefail -c "$args")
      else
        # Run stage: check the packages exist rather than changing the host's users.
        if [[ "$args" == *"apt-get install"* ]]; then
          for word in $args; do
            [[ "$word" == lib* ]] && runtime_packages+=("$word")
          done
        fi
      fi ;;
    ENTRYPOINT) entrypoint=$args ;;
    HEALTHCHECK) healthcheck=${args#*CMD } ;;
    STOPSIGNAL) stopsignal=$args ;;
    USER|EXPOSE|VOLUME|LABEL|ARG) ;;
    *) echo "check.sh: unhandled Dockerfile instruction $op" >&2; exit 1 ;;
  esac
done < <(instructions)

for p in "${runtime_packages[@]}"; do
  apt-cache show "$p" >/dev/null 2>&1 || { echo "run-stage package $p does not exist"; exit 1; }
done
echo "run-stage packages exist: ${runtime_packages[*]}"

root=${stage_dir[$stage]}
bin="$root/usr/local/bin/re-actions-emulator"
[ -x "$bin" ] || { echo "the binary did not reach the run stage"; exit 1; }
# The image's ENTRYPOINT and HEALTHCHECK, with paths inside the stage root.
[[ "$entrypoint" == *'"re-actions-emulator"'* ]] || { echo "unexpected ENTRYPOINT $entrypoint"; exit 1; }
config="$root${env[REEMU_CONFIG]}"
[ -f "$config" ] || { echo "REEMU_CONFIG ${env[REEMU_CONFIG]} is not in the image"; exit 1; }
# Ephemeral ports: the image's 8080/9443 may be taken on this host.
REEMU_CONFIG=$config "$bin" --bind 127.0.0.1 --http-port 0 --https-port 0 2>"$work/log" &
pid=$!
port=""
for _ in $(seq 1 500); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/log")
  [ -n "$port" ] && break
  sleep 0.01
done
[ -n "$port" ] || { cat "$work/log"; exit 1; }
health=$(sed -e 's/^\[//; s/\]$//; s/"//g; s/,/ /g' <<<"$healthcheck")
read -r -a health_cmd <<<"$health"
[ "${health_cmd[0]}" = "re-actions-emulator" ] || { echo "unexpected HEALTHCHECK $healthcheck"; exit 1; }
REEMU_CONFIG=$config "$bin" "${health_cmd[@]:1}" --bind 127.0.0.1 --http-port "$port" ||
  { echo "HEALTHCHECK failed"; cat "$work/log"; exit 1; }
kill -s "${stopsignal#SIG}" "$pid"
code=0
wait "$pid" || code=$?
pid=""
[ "$code" -eq 0 ] || { echo "exit code $code after $stopsignal"; exit 1; }
echo "image steps: built, healthy, stopped cleanly on $stopsignal"

# docker-compose.yml: valid YAML, services wired as the README says.
python3 - "$repo/docker-compose.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
services = doc["services"]
emu, client = services["emulator"], services["client"]
assert emu["build"] == ".", "emulator builds from the repository"
assert {"8080:8080", "9443:9443"} <= set(emu["ports"]), "both ports published"
assert client["depends_on"]["emulator"]["condition"] == "service_healthy", "client waits for health"
env = emu["environment"]
assert env["REEMU_TLS_NAMES"] == "emulator", "certificate names the service"
cert_dir = env["REEMU_TLS_CERT_OUT"].rsplit("/", 1)[0]
assert any(v.split(":")[1] == cert_dir for v in emu["volumes"] if v.startswith("certs:")), "cert volume"
state_dir = env["REEMU_STATE_FILE"].rsplit("/", 1)[0]
assert any(v.split(":")[1] == state_dir for v in emu["volumes"] if v.startswith("state:")), "state volume"
assert not any(v.startswith("state:") for v in client["volumes"]), "the client cannot read the state"
assert client["environment"]["CACERT"].startswith("/certs/"), "client pins the certificate"
for v in emu["volumes"] + client["volumes"]:
    src = v.split(":")[0]
    if src.startswith("./"):
        import os
        assert os.path.exists(os.path.join(os.path.dirname(sys.argv[1]), src)), f"{src} exists"
print("docker-compose.yml: valid YAML, services wired")
PY
