# shellcheck shell=bash
# Helpers shared by the bench scripts (bench/run.sh, bench/soak.sh); sourced,
# not run. Loopback only.

free_port() {  # a port nothing listens on, from the ephemeral range
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    { (exec 3<>"/dev/tcp/127.0.0.1/$p"); } 2>/dev/null || { echo "$p"; return; }
  done
}

# Waits until the server on $1 answers /emulator/v1/health (no fork per try).
wait_health() {
  local port=$1 line deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    # The group keeps the 2>/dev/null from sticking to the shell (a bare
    # `exec 2>/dev/null` would silence the rest of the script).
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      printf 'GET /emulator/v1/health HTTP/1.0\r\n\r\n' >&3
      read -r line <&3 || true
      exec 3<&-
      [[ "$line" == *" 200 "* ]] && return 0
    fi
  done
  echo "server on $port did not come up" >&2
  return 1
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# release_binary: the binary to measure: $REEMU_BIN when set (say, an older
# build to compare with), else the release preset's, built first.
release_binary() {
  if [ -n "${REEMU_BIN:-}" ]; then
    echo "$REEMU_BIN"
    return
  fi
  cmake --preset release >/dev/null
  cmake --build --preset release --target re-actions-emulator | tail -n 3 >&2
  echo "$PWD/build/release/re-actions-emulator"
}
