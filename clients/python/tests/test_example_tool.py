"""The sample tool under test (examples/create_and_wait.py), run unmodified
as a subprocess over HTTPS, through success, failure and 503 paths. The
manual clock runs fast while it sleeps between polls."""

import subprocess
import sys


def run_tool(emu, tool_path, *extra):
    cmd = [sys.executable, tool_path, "--url", emu.https_url, "--cacert", emu.ca_file,
           "--user", "admin@redis.local", "--password", "Redis123!", "--name", "orders",
           "--interval", "0.01", "--timeout", "30", *extra]
    with emu.fast_clock(step=1, every=0.005):
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_the_tool_creates_a_database_and_waits_for_its_action(reemu, reemu_journal, tool_path):
    done = run_tool(reemu, tool_path)
    assert done.returncode == 0, done.stderr
    assert "created" in done.stdout
    [create] = reemu_journal.assert_requested("POST", "/v1/bdbs", status=200, times=1)
    assert create.user == "admin@redis.local"
    polls = reemu_journal.entries("GET", "/v1/actions/*")
    assert len(polls) >= 2 and {p.status for p in polls} == {200}
    uid = int(done.stdout.split()[1].rstrip(":"))
    assert reemu.database(uid)["status"] == "active"


def test_the_tool_reports_a_failed_action(reemu, reemu_journal, tool_path):
    reemu.plan("SMCreateBDB", times=1, fail_at_step=3, error="out of memory")
    done = run_tool(reemu, tool_path)
    assert done.returncode == 1, done.stderr
    assert "failed: out of memory" in done.stdout
    reemu_journal.assert_requested("POST", "/v1/bdbs", times=1)


def test_the_tool_retries_a_503_and_then_succeeds(reemu, reemu_journal, tool_path):
    reemu.fault("/v1/bdbs", 503, method="POST", times=2, error_code="cluster_busy")
    done = run_tool(reemu, tool_path, "--retries", "3")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("503, retrying") == 2
    assert reemu_journal.statuses("POST", "/v1/bdbs") == [503, 503, 200]


def test_the_tool_gives_up_when_the_cluster_stays_unavailable(reemu, reemu_journal, tool_path):
    reemu.fault("/v1/bdbs", 503, method="POST", error_code="cluster_busy")
    done = run_tool(reemu, tool_path, "--retries", "2")
    assert done.returncode == 2
    assert "503" in done.stderr and "cluster_busy" in done.stderr
    assert reemu_journal.statuses("POST", "/v1/bdbs") == [503, 503, 503]
    assert reemu.databases == [1, 2]
