# Shared by the command-line tests: start the binary on an ephemeral port and
# learn the port from its "listening on" log line.

# start_server LOG ARGS...: starts the binary ($bin) in the background with
# ARGS, sets $pid and $port. Fails (printing the log) if it exits first or
# does not listen within 5 s.
start_server() {
  local log=$1
  shift
  : > "$log"  # truncate here: the child's own truncation may come after our first read
  "$bin" "$@" 2>"$log" &
  pid=$!
  port=""
  for _ in $(seq 1 500); do  # the log line names the bound port once listening
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
    [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || { echo "server exited before listening:"; cat "$log"; return 1; }
    sleep 0.01
  done
  echo "no listening line"; cat "$log"; return 1
}

# wait_ports_file FILE PID LOG [WHAT]: waits up to 10 s for FILE (the
# --ports-file of the server PID) to appear. Fails, printing LOG, if PID
# exits first or the file does not come; WHAT prefixes the message.
wait_ports_file() {
  local file=$1 server=$2 log=$3 what=${4:+$4: }
  for _ in $(seq 1 2000); do
    [ -f "$file" ] && return 0
    kill -0 "$server" 2>/dev/null || { echo "${what}exited before the ports file"; cat "$log"; return 1; }
    sleep 0.005
  done
  echo "${what}no ports file in 10 s"; cat "$log"; return 1
}
