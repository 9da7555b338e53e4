"""The kit's own tests. Run from the repository root:

    REEMU_BIN=build/asan/re-actions-emulator PYTHONPATH=clients/python \
        python3 -m pytest -p reemu.pytest_plugin clients/python/tests

(or `pip install ./clients/python` and drop PYTHONPATH and -p)."""

import os

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")


@pytest.fixture
def tool_path():
    return os.path.abspath(os.path.join(EXAMPLES, "create_and_wait.py"))
