"""pytest fixtures over one emulator process per test session.

Registered by the `pytest11` entry point when the package is installed, or
with `-p reemu.pytest_plugin` from a checkout (PYTHONPATH=clients/python).

Fixtures:
  reemu_session  (session) the Emulator every test shares; stopped at the end
                 of the session, which fails if the process exited non-zero
  reemu          (function) the same Emulator, reset to the configured seed
                 before the test: actions, databases, users, plans, faults,
                 the manual clock and the journal
  reemu_clock    (function) a Clock helper: now, advance(s), fast()
  reemu_journal  (function) a Journal helper to assert on the requests the
                 code under test made
  reemu_factory  (function) starts more emulators (Emulator's keywords),
                 each stopped after the test

Options: --reemu-bin (else $REEMU_BIN, else PATH), --reemu-config,
--reemu-clock manual|real (default manual), --reemu-arg FLAG (repeatable).
--reemu-url URL (else $REEMU_URL) uses an emulator already running there,
such as a CI service container, instead of starting one; $REEMU_HTTPS_URL,
$REEMU_CA_FILE, $REEMU_USER and $REEMU_PASSWORD describe it further.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Callable, Iterator, List, Optional

import pytest

from .emulator import DEFAULT_PASSWORD, DEFAULT_USER, Emulator, JournalEntry


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reemu", "re-actions-emulator")
    group.addoption("--reemu-bin", default=None,
                    help="re-actions-emulator binary (default: $REEMU_BIN, then PATH)")
    group.addoption("--reemu-config", default=None,
                    help="config file (default: the source tree's config/default.json)")
    group.addoption("--reemu-clock", default="manual", choices=("manual", "real"),
                    help="the session emulator's clock (default manual)")
    group.addoption("--reemu-arg", action="append", default=[],
                    help="an extra flag for the session emulator (repeatable)")
    group.addoption("--reemu-url", default=os.environ.get("REEMU_URL"),
                    help="use the emulator already serving at this URL (a CI service) "
                         "instead of starting one (default: $REEMU_URL)")


def _options(config: pytest.Config) -> dict:
    return {"binary": config.getoption("reemu_bin"), "config": config.getoption("reemu_config"),
            "clock": config.getoption("reemu_clock"), "args": config.getoption("reemu_arg")}


@pytest.fixture(scope="session")
def reemu_session(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    url = pytestconfig.getoption("reemu_url")
    if url:
        yield Emulator.attach(url, https_url=os.environ.get("REEMU_HTTPS_URL") or None,
                              ca_file=os.environ.get("REEMU_CA_FILE") or None,
                              user=os.environ.get("REEMU_USER", DEFAULT_USER),
                              password=os.environ.get("REEMU_PASSWORD", DEFAULT_PASSWORD))
        return
    emu = Emulator(**_options(pytestconfig))
    emu.start()
    try:
        yield emu
    finally:
        emu.stop(check=True)


@pytest.fixture
def reemu(reemu_session: Emulator) -> Emulator:
    reemu_session.reset()
    return reemu_session


class ClockHelper:
    """The emulator's clock, for a test: `now`, `advance(seconds)`,
    `fast(step, every)` (a context manager that moves a manual clock in the
    background while code under test sleeps between polls)."""

    def __init__(self, emu: Emulator):
        self._emu = emu

    @property
    def now(self) -> float:
        return self._emu.now

    @property
    def mode(self) -> str:
        return self._emu.clock().mode

    def advance(self, seconds: float) -> float:
        return self._emu.advance(seconds)

    def fast(self, step: float = 1.0, every: float = 0.005) -> contextlib.AbstractContextManager:
        return self._emu.fast_clock(step, every)


@pytest.fixture
def reemu_clock(reemu: Emulator) -> ClockHelper:
    return ClockHelper(reemu)


class Journal:
    """Assertions over the request journal (reset before each test with the
    `reemu` fixture, so it holds this test's requests only). `path` is exact
    or a glob (`*` matches any run, `/` included), as the route filters."""

    def __init__(self, emu: Emulator):
        self._emu = emu

    def entries(self, method: Optional[str] = None, path: Optional[str] = None, *,
                status: Optional[int] = None, user: Optional[str] = None,
                control: bool = False) -> List[JournalEntry]:
        """Matching requests, oldest first; control-API requests (the test's
        own) only with control=True."""
        found = self._emu.requests(method=method, path=path, status=status, user=user)
        if not control:
            found = [e for e in found if not e.path.startswith("/emulator/")]
        return found

    def statuses(self, method: Optional[str] = None, path: Optional[str] = None) -> List[int]:
        """The statuses answered to matching requests, oldest first (0: dropped)."""
        return [e.status for e in self.entries(method, path)]

    def assert_requested(self, method: str, path: str, *, status: Optional[int] = None,
                         times: Optional[int] = None, user: Optional[str] = None) -> List[JournalEntry]:
        """Fails unless `method path` was requested (exactly `times` times when
        given; with `status`, answered that status); returns the matches."""
        found = self.entries(method, path, status=status, user=user)
        what = f"{method} {path}" + (f" answered {status}" if status is not None else "") \
            + (f" by {user}" if user is not None else "")
        if times is None and not found:
            raise AssertionError(f"no request {what}; the journal holds:\n{self._dump()}")
        if times is not None and len(found) != times:
            raise AssertionError(f"{len(found)} request(s) {what}, expected {times}; "
                                 f"the journal holds:\n{self._dump()}")
        return found

    def assert_not_requested(self, method: str, path: str) -> None:
        found = self.entries(method, path)
        if found:
            raise AssertionError(f"{len(found)} unexpected request(s) {method} {path}:\n"
                                 + "\n".join(self._line(e) for e in found))

    def clear(self) -> None:
        self._emu.clear_requests()

    def _dump(self) -> str:
        entries = self.entries()
        return "\n".join(self._line(e) for e in entries) or "  (no request to the emulated API)"

    @staticmethod
    def _line(e: JournalEntry) -> str:
        extra = f" fault #{e.fault}" if e.fault is not None else ""
        return f"  #{e.seq} {e.method} {e.target} -> {e.status} ({e.user or 'anonymous'}){extra}"


@pytest.fixture
def reemu_journal(reemu: Emulator) -> Journal:
    return Journal(reemu)


@pytest.fixture
def reemu_factory(pytestconfig: pytest.Config) -> Iterator[Callable[..., Emulator]]:
    """Starts extra emulators: reemu_factory(clock="real", args=[...]).
    Unset keywords come from the session's options; all are stopped (and
    checked) after the test."""
    started: List[Emulator] = []
    defaults = _options(pytestconfig)

    def start(**kwargs: Any) -> Emulator:
        emu = Emulator(**{**defaults, **kwargs})
        emu.start()
        started.append(emu)
        return emu

    yield start
    errors = []
    for emu in started:
        try:
            emu.stop(check=True)
        except Exception as e:  # stop them all, then report
            errors.append(e)
    if errors:
        raise errors[0]
