#!/usr/bin/env python3
"""A sample "tool under test": creates a database through the Redis Software
REST API and polls the action the answer names until it ends, as cluster
tooling does. It knows nothing of the emulator: point it at a cluster or at
re-actions-emulator alike.

    create_and_wait.py --url https://cluster:9443 --user admin@example.com \
        --password secret --name orders --memory-size 104857600 [--cacert ca.pem]

Exit status: 0 the action completed (prints the database uid and action uid),
1 the action failed (prints its error), 2 the cluster kept answering 503 (or
another error), 3 timed out.
A 503 answer is retried up to --retries times, --interval seconds apart.
"""

import argparse
import base64
import json
import ssl
import sys
import time
import urllib.error
import urllib.request


class ClusterError(Exception):
    pass


def call(args, method, path, body=None):
    """One request with Basic auth; returns the decoded answer, retrying 503."""
    token = base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    context = ssl.create_default_context(cafile=args.cacert) if args.cacert else None
    for attempt in range(args.retries + 1):
        req = urllib.request.Request(args.url + path, data=data, method=method)
        req.add_header("Authorization", "Basic " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30, context=context) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            if e.code == 503 and attempt < args.retries:
                print(f"{method} {path}: 503, retrying", file=sys.stderr)
                time.sleep(args.interval)
                continue
            raise ClusterError(f"{method} {path}: {e.code} {detail}") from None
    raise AssertionError("unreachable")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="e.g. https://cluster:9443")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--cacert", help="PEM file to verify the cluster's certificate")
    p.add_argument("--name", required=True)
    p.add_argument("--memory-size", type=int, default=100 * 1024 * 1024)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the action")
    p.add_argument("--retries", type=int, default=3, help="503 answers retried per request")
    args = p.parse_args(argv)

    try:
        bdb = call(args, "POST", "/v1/bdbs", {"name": args.name, "memory_size": args.memory_size})
        uid, action_uid = bdb["uid"], bdb["action_uid"]
        print(f"database {uid}: action {action_uid}", flush=True)
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            action = call(args, "GET", f"/v1/actions/{action_uid}")
            status = action.get("status")
            if status == "completed":
                print(f"database {uid} created", flush=True)
                return 0
            if status == "failed":
                print(f"database {uid} failed: {action.get('error', 'no error given')}", flush=True)
                return 1
            time.sleep(args.interval)
        print(f"database {uid}: action {action_uid} did not end in {args.timeout} s", flush=True)
        return 3
    except ClusterError as e:
        print(f"error: {e}", file=sys.stderr, flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
