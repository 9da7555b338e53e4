#!/usr/bin/env bash
# The cluster's exporter (--metrics-port 0) from the command line: the ports
# file names it, GET /v2 answers the text format over plain HTTP and over
# TLS on the same port, other paths 404; SIGTERM while a client holds an
# idle keep-alive connection to it stops the server cleanly (exit 0, file
# removed) like the API's listeners.
# Usage: exporter_sigterm.sh BINARY CONFIG
set -euo pipefail
bin=$1 config=$2
. "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
file=$dir/ports.json
# The config without its databases: a short exposition, within one TLS record.
python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["databases"] = []; json.dump(c, open(sys.argv[2], "w"))' \
  "$config" "$dir/config.json"
"$bin" --config "$dir/config.json" --bind 127.0.0.1 --http-port 0 --https-port 0 --metrics-port 0 \
  --ports-file "$file" --log-level warn 2>"$dir/log" &
pid=$!
wait_ports_file "$file" "$pid" "$dir/log"
python3 - "$file" <<'PY'
import http.client, json, ssl, sys
ports = json.load(open(sys.argv[1]))
port = ports["ports"]["metrics"]
assert ports["urls"]["metrics"] == f"http://127.0.0.1:{port}/v2", ports
def get(conn, path):
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.getheader("Content-Type"), r.read().decode()
plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
status, ctype, text = get(plain, "/v2")
assert status == 200 and ctype.startswith("text/plain; version=0.0.4"), (status, ctype)
assert "# TYPE node_metrics_up gauge\n" in text and 'node_metrics_up{cluster="' in text, text[:300]
status, _, body = get(plain, "/metrics")
assert status == 404 and json.loads(body)["error_code"] == "not_found", body
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
tls = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=ctx)
status, _, text = get(tls, "/v2")
assert status == 200 and "node_metrics_up" in text, status
print("exporter: plain and TLS scrapes answered")
PY
# An idle keep-alive connection to the exporter while the server stops.
exec 3<>/dev/tcp/127.0.0.1/"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ports"]["metrics"])' "$file")"
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
exec 3<&-
[ "$code" -eq 0 ] || { echo "exit code $code after SIGTERM"; cat "$dir/log"; exit 1; }
[ ! -e "$file" ] || { echo "the ports file outlived a clean exit"; exit 1; }
echo "exporter: SIGTERM with a connection open, exit 0, ports file removed"
