"""Emulator: start-up through the ports file, TLS trust, and every helper
against the real binary."""

import http.client
import json
import os
import re
import ssl
import urllib.error
import urllib.request

import pytest

from reemu import (ActionError, ActionTimeout, ControlError, Emulator, StartError, find_binary)

SEED_DATABASES = [1, 2]


def test_listens_on_ephemeral_ports_named_by_the_ports_file(reemu):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", reemu.url)
    assert re.fullmatch(r"https://127\.0\.0\.1:\d+", reemu.https_url)
    assert reemu.ports.ports["http"] != reemu.ports.ports["https"]
    assert re.fullmatch(r"[0-9a-f]{64}", reemu.tls_sha256)
    assert reemu.health()
    answer = reemu.request("GET", "/v1/bdbs")
    assert answer.status == 200
    assert [db["uid"] for db in answer.json()] == SEED_DATABASES


def test_https_is_verified_with_the_emulators_certificate(reemu):
    answer = reemu.request("GET", "/v1/cluster", https=True)
    assert answer.status == 200
    with urllib.request.urlopen(reemu.https_url + "/emulator/v1/health", context=reemu.ssl_context) as r:
        assert json.loads(r.read()) == {"status": "ok"}
    # The same request with the system's trust store fails verification.
    with pytest.raises(urllib.error.URLError) as refused:
        urllib.request.urlopen(reemu.https_url + "/emulator/v1/health",
                               context=ssl.create_default_context())
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
    # ca_file is the same certificate, for tools that take a file.
    ctx = ssl.create_default_context(cafile=reemu.ca_file)
    conn = http.client.HTTPSConnection("127.0.0.1", reemu.ports.ports["https"], context=ctx)
    conn.request("GET", "/emulator/v1/health")
    assert conn.getresponse().status == 200
    conn.close()


def test_reset_puts_the_seed_back(reemu):
    created = reemu.request("POST", "/v1/bdbs", {"name": "orders", "memory_size": 104857600})
    assert created.status == 200
    assert reemu.databases == SEED_DATABASES + [created.json()["uid"]]
    reemu.fault("/v1/cluster", 500)
    reemu.plan("SMCreateBDB", fail_at_step=1)
    counts = reemu.reset()
    assert counts["databases"] == 2
    assert reemu.databases == SEED_DATABASES
    assert reemu.faults() == [] and reemu.plans() == []
    assert [e.target for e in reemu.requests()] == ["/emulator/v1/reset", "/emulator/v1/databases",
                                                    "/emulator/v1/faults", "/emulator/v1/plans"]


def test_the_manual_clock_moves_only_when_told(reemu_clock):
    assert reemu_clock.mode == "manual"
    start = reemu_clock.now
    assert reemu_clock.now == start
    assert reemu_clock.advance(2.5) == start + 2.5
    with reemu_clock.fast(step=1, every=0.001):
        deadline = start + 10
        while reemu_clock.now < deadline:
            pass
    assert reemu_clock.now >= start + 10


def test_advance_on_a_real_clock_is_refused(reemu_factory):
    emu = reemu_factory(clock="real", https=False)
    with pytest.raises(ControlError) as e:
        emu.advance(1)
    assert e.value.status == 409 and e.value.error_code == "clock_not_manual"


def test_a_fault_answers_503_twice_and_the_journal_shows_it(reemu, reemu_journal):
    rule = reemu.fault("/v1/bdbs", 503, method="GET", times=2, error_code="cluster_busy")
    statuses = [reemu.request("GET", "/v1/bdbs").status for _ in range(3)]
    assert statuses == [503, 503, 200]
    entries = reemu_journal.assert_requested("GET", "/v1/bdbs", times=3)
    assert [e.fault for e in entries] == [rule, rule, None]
    assert [e.user for e in entries] == ["", "", "admin@redis.local"]
    assert reemu_journal.statuses("GET", "/v1/*") == [503, 503, 200]
    reemu_journal.assert_requested("GET", "/v1/bdbs", status=503, times=2)
    reemu_journal.assert_not_requested("POST", "/v1/bdbs")
    with pytest.raises(AssertionError, match=r"1 request\(s\) GET /v1/bdbs answered 200, expected 2"):
        reemu_journal.assert_requested("GET", "/v1/bdbs", status=200, times=2)
    assert reemu.faults() == []  # used up


def test_a_dropped_connection_is_journaled_as_status_0(reemu, reemu_journal):
    reemu.fault("/v1/nodes", drop=True, times=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        reemu.request("GET", "/v1/nodes")
    [entry] = reemu_journal.entries("GET", "/v1/nodes")
    assert entry.status == 0 and entry.dropped


def test_a_plan_makes_the_next_create_fail(reemu):
    rule = reemu.plan("SMCreateBDB", times=1, fail_at_step=3, error="out of memory")
    assert rule["times"] == 1 and rule["simulate"] == {"error": "out of memory", "fail_at_step": 3}
    bdb = reemu.request("POST", "/v1/bdbs", {"name": "doomed", "memory_size": 104857600}).json()
    with pytest.raises(ActionError, match="ended failed: out of memory") as e:
        reemu.wait_for_action(bdb["action_uid"])
    assert e.value.action["state"] == "bind_endpoint"
    assert reemu.database(bdb["uid"])["status"] == "creation-failed"
    # The rule was used up: the next create completes.
    ok = reemu.request("POST", "/v1/bdbs", {"name": "fine", "memory_size": 104857600}).json()
    done = reemu.wait_for_action(ok["action_uid"], "completed")
    assert done["status"] == "completed" and "error" not in done


def test_wait_for_action_on_a_manual_clock_takes_emulated_time_only(reemu):
    start = reemu.now
    bdb = reemu.request("POST", "/v1/bdbs", {"name": "orders", "memory_size": 104857600}).json()
    action = reemu.wait_for_action(bdb["action_uid"], "completed", step=2)
    assert action["name"] == "SMCreateBDB"
    assert reemu.now - start == 16  # 1 s pending + 7 steps of 2 s, polled every 2 s
    # A delete's machine vanishes as it completes: wait for it to be gone.
    deleted = reemu.request("DELETE", f"/v1/bdbs/{bdb['uid']}").json()
    assert reemu.wait_for_action(deleted["action_uid"], "gone") is None
    assert bdb["uid"] not in reemu.databases


def test_wait_for_action_times_out_naming_the_last_status(reemu):
    action = reemu.create_action("state-machine", "SMCreateBDB", object_name="bdb:1")
    with pytest.raises(ActionTimeout, match="still active after 5 emulated seconds") as e:
        reemu.wait_for_action(action["action_uid"], timeout=5)
    assert e.value.action["state"] == "create_redis"
    with pytest.raises(ActionError, match="answers 404"):
        reemu.wait_for_action("00000000-0000-4000-8000-000000000000")


def test_databases_and_users_through_the_control_api(reemu):
    db = reemu.put_database(12, name="cache", memory_size=1073741824, port=12012)
    assert db["uid"] == 12 and db["status"] == "active"
    assert reemu.databases == SEED_DATABASES + [12]
    reemu.delete_database(12)
    assert reemu.databases == SEED_DATABASES
    reemu.add_user("ops@example.com", "Ops123!", "db_viewer")
    assert reemu.request("GET", "/v1/bdbs", auth=("ops@example.com", "Ops123!")).status == 200
    assert reemu.request("GET", "/v1/bdbs", auth=None).status == 401
    with pytest.raises(ControlError) as e:
        reemu.add_user("ops@example.com", "Ops123!", "db_viewer")
    assert e.value.status == 400 and e.value.error_code == "user_exists"


def test_a_snapshot_restores_byte_identical_answers(reemu):
    bdb = reemu.request("POST", "/v1/bdbs", {"name": "orders", "memory_size": 104857600}).json()
    reemu.advance(5)
    reemu.fault("/v1/cluster", 500, times=1)
    snap = reemu.snapshot()
    paths = ["/v1/bdbs", f"/v1/bdbs/{bdb['uid']}", "/v1/actions", f"/v1/actions/{bdb['action_uid']}",
             "/emulator/v1/clock", "/emulator/v1/faults"]
    before = [reemu.request("GET", p).body for p in paths]
    reemu.advance(30)
    reemu.request("DELETE", f"/v1/bdbs/{bdb['uid']}")
    reemu.clear_faults()
    assert [reemu.request("GET", p).body for p in paths] != before
    reemu.restore(snap)
    assert [reemu.request("GET", p).body for p in paths] == before
    with pytest.raises(ControlError) as e:
        reemu.restore({"format": "nonsense"})
    assert e.value.status == 400
    assert [reemu.request("GET", p).body for p in paths] == before


def test_a_bad_flag_fails_the_start_with_the_servers_message():
    with pytest.raises(StartError, match=r"exited with status \d+ before it was ready:\n.*--no-such-flag"):
        Emulator(args=["--no-such-flag"]).start()


def test_a_missing_binary_says_where_it_looked(monkeypatch):
    with pytest.raises(StartError, match="is not an executable file"):
        Emulator("/nonexistent/re-actions-emulator").start()
    monkeypatch.delenv("REEMU_BIN", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(StartError, match="set REEMU_BIN, or put re-actions-emulator on PATH"):
        find_binary()


def test_without_a_config_the_admin_alone_is_seeded(tmp_path):
    # A binary outside any source tree: the kit writes a config with its admin.
    link = tmp_path / "re-actions-emulator"
    link.symlink_to(os.path.realpath(find_binary()))
    with Emulator(str(link), user="test@example.com", password="Secret123!", https=False,
                  env={"REEMU_CONFIG": ""}) as emu:
        assert emu.control("GET", "users")["users"] == [{"email": "test@example.com", "role": "admin"}]
        assert emu.request("GET", "/v1/bdbs").json() == []
        with pytest.raises(Exception, match="started without HTTPS"):
            emu.https_url
    assert emu.returncode == 0


def test_flags_in_args_win_over_the_kits_and_its_own_are_refused(reemu_factory):
    emu = reemu_factory(args=["--clock", "real", "--log-level=info"], https=False)
    assert emu.clock().mode == "real"
    with pytest.raises(ValueError, match="--http-port is the kit's to set"):
        Emulator(args=["--http-port", "8080"]).start()


def test_no_ports_file_in_time_kills_the_process_and_says_so():
    emu = Emulator(start_timeout=0)
    with pytest.raises(StartError, match="wrote no ports file within 0 s"):
        emu.start()
    assert emu.process is None and emu.ports is None
    with pytest.raises(Exception, match="not running"):
        emu.url


def test_attach_drives_an_emulator_someone_else_started(reemu):
    other = Emulator.attach(reemu.url + "/", https_url=reemu.https_url, ca_file=reemu.ca_file)
    other.fault("/v1/cluster", 503, times=1)
    assert reemu.request("GET", "/v1/cluster").status == 503
    assert other.request("GET", "/v1/cluster", https=True).status == 200
    assert [e.status for e in reemu.requests(path="/v1/cluster")] == [503, 200]
    assert other.ca_file == reemu.ca_file
    assert other.stop() == 0 and reemu.health()  # nothing of its own to stop


def test_the_ports_file_is_there_while_it_serves_and_gone_after_a_clean_exit():
    seen = []

    class Watching(Emulator):
        def _cleanup(self):
            if self.ports_file and self.returncode is not None:
                seen.append(os.path.exists(self.ports_file))
            super()._cleanup()

    # A SIGTERM right after the file appears must find the clean stop too.
    for _ in range(10):
        with Watching(https=False) as emu:
            with open(emu.ports_file) as f:
                doc = json.load(f)
            assert doc == {"format": 1, "pid": emu.process.pid,
                           "ports": {"http": emu.ports.ports["http"]}, "urls": {"http": emu.url}}
        assert emu.returncode == 0
    assert seen == [False] * 10
