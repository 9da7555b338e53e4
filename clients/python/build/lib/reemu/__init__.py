"""reemu: start re-actions-emulator from a test suite and drive it.

    from reemu import Emulator
    with Emulator() as emu:            # $REEMU_BIN or re-actions-emulator on PATH
        emu.request("POST", "/v1/bdbs", {"name": "db", "memory_size": 104857600})
        emu.advance(20)

The pytest plugin (reemu.pytest_plugin, registered through the pytest11 entry
point) gives the fixtures reemu, reemu_session, reemu_clock, reemu_journal and
reemu_factory.
"""

from .emulator import (
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    GONE,
    ActionError,
    ActionTimeout,
    Clock,
    ControlError,
    Emulator,
    EmulatorError,
    JournalEntry,
    Ports,
    Response,
    StartError,
    StopError,
    find_binary,
)

__all__ = [
    "DEFAULT_PASSWORD", "DEFAULT_USER", "GONE", "ActionError", "ActionTimeout", "Clock",
    "ControlError", "Emulator", "EmulatorError", "JournalEntry", "Ports", "Response",
    "StartError", "StopError", "find_binary",
]
__version__ = "0.1.0"
