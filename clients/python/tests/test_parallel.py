"""Many emulators side by side on port 0: no clash, no shared state."""

import concurrent.futures
import re
import time

from reemu import Emulator


def test_eight_emulators_start_in_parallel_with_their_own_ports_and_state():
    count = 8
    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        emus = list(pool.map(lambda _: Emulator().start(), range(count)))
    started_in = time.monotonic() - began
    try:
        ports = [p for e in emus for p in e.ports.ports.values()]
        assert len(set(ports)) == 2 * count
        assert len({e.pid for e in emus}) == count
        assert len({e.tls_sha256 for e in emus}) == count  # each generated its own
        # State is per process: a database and a fault on one only.
        emus[0].request("POST", "/v1/bdbs", {"name": "only-here", "memory_size": 104857600})
        emus[0].fault("/v1/cluster", 503)
        assert [len(e.databases) for e in emus] == [3] + [2] * (count - 1)
        assert [e.request("GET", "/v1/cluster", https=True).status for e in emus] == [503] + [200] * (count - 1)
        print(f"{count} emulators ready in {started_in:.2f} s")
    finally:
        codes = [e.stop(check=False) for e in emus]
    assert codes == [0] * count


def test_two_emulators_with_the_same_seed_make_the_same_ids():
    def run():
        with Emulator(args=["--ids", "seeded", "--seed", "5"], https=False) as emu:
            made = [emu.request("POST", "/v1/bdbs", {"name": f"db{i}", "memory_size": 104857600}).json()["action_uid"]
                    for i in range(3)]
            made.append(emu.create_action("task", "retry_bdb")["action_uid"])
            return made

    first, second = run(), run()
    assert first == second
    assert len(set(first)) == 4
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", u) for u in first)
