"""The pytest plugin seen from a test suite of its own, run in a child
pytest: one process per session, a reset before each test, and a session
that fails when the emulator exits non-zero (a sanitizer's report)."""

import os
import re
import subprocess
import sys
import textwrap

KIT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def run_suite(tmp_path, source, *options):
    (tmp_path / "test_suite.py").write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=KIT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "-p", "reemu.pytest_plugin", "-q", *options, str(tmp_path / "test_suite.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_one_process_per_session_reset_before_each_test(tmp_path):
    done = run_suite(tmp_path, """
        pids = []

        def test_first(reemu):
            pids.append(reemu.pid)
            reemu.request("POST", "/v1/bdbs", {"name": "left-over", "memory_size": 104857600})
            reemu.advance(100)
            reemu.fault("/v1/cluster", 500)

        def test_second(reemu, reemu_clock, reemu_journal):
            pids.append(reemu.pid)
            assert pids[0] == pids[1]
            assert reemu.databases == [1, 2]
            assert reemu.faults() == []
            assert reemu_journal.entries() == []
            assert reemu.request("GET", "/v1/cluster").status == 200
    """)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_the_session_fails_when_the_emulator_exits_non_zero(tmp_path):
    done = run_suite(tmp_path, """
        import os, signal

        def test_kills_it(reemu_session):
            os.kill(reemu_session.pid, signal.SIGKILL)
    """)
    assert done.returncode != 0
    assert "1 passed, 1 error" in done.stdout
    assert re.search(r"StopError: the emulator exited with status -9", done.stdout), done.stdout


def test_options_reach_the_session_emulator(tmp_path):
    done = run_suite(tmp_path, """
        def test_real_clock(reemu_clock):
            assert reemu_clock.mode == "real"
    """, "--reemu-clock", "real", "--reemu-arg=--seed=7")
    assert done.returncode == 0, done.stdout + done.stderr


def test_reemu_url_attaches_the_session_to_a_running_emulator(tmp_path, reemu):
    reemu.put_database(40, name="set-up-outside")
    done = run_suite(tmp_path, """
        def test_uses_the_running_one(reemu_session):
            assert 40 in reemu_session.databases  # before any reset

        def test_resets_it(reemu):
            assert reemu.databases == [1, 2]
    """, f"--reemu-url={reemu.url}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert 40 not in reemu.databases
    [reset] = reemu.requests(path="/emulator/v1/reset")
    assert reset.user == "admin@redis.local"
